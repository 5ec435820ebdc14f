"""The only place that touches Whoosh's private names.

Builds and searches go faster than plain Whoosh by reaching into its internals: posting
blocks read whole, a BM25F setting, the spelling corrector's candidates, a matcher tree
(the read side); analysis without token objects and a writer that files postings analysed
elsewhere (the write side). Those names may change in any other release, and do in the
forks, so they are used here only, listed in `inventory`, and only on a Whoosh of
switch.PROVEN_VERSIONS (`enabled()`). Anywhere else the project runs on plain Whoosh with
the same answers, slower, and logs one line saying so.
"""

from __future__ import annotations

from indexer.whoosh_fast.disjunction import BestOfDisjunction
from indexer.whoosh_fast.reading import bm25_field_b, leaf_postings, spelling_candidates
from indexer.whoosh_fast.switch import enabled, refresh

__all__ = [
    "BestOfDisjunction",
    "bm25_field_b",
    "enabled",
    "leaf_postings",
    "refresh",
    "spelling_candidates",
]
