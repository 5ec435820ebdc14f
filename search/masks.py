"""Which documents a query matches, as a bitmask, without scoring anything.

Totals and facet counts need every match, not the top ten. Walking Whoosh's matchers for
that costs a Python step per matching document on every request; instead each term's
documents become a bitmask once per generation, and a query's mask is computed from them
with AND, OR and AND NOT on integers.
"""

from __future__ import annotations

import numpy as np
from whoosh import query as wq

from search.best_of import BestOf
from search.scores import TermScores, ids_mask
from search.sized_cache import SizedCache

CACHE_BYTES = 64 * 1024 * 1024  # per generation; a mask costs one bit per document


class MaskCache:
    """Bitmasks of terms and phrases for one generation, least recently used out first.
    Their documents come from the ranking's term cache, so each posting list is read once."""

    def __init__(self, terms: TermScores, live: int, limit_bytes: int = CACHE_BYTES) -> None:
        self.terms = terms
        self.live = live  # documents not deleted
        self.entries: SizedCache[int] = SizedCache(
            limit_bytes, lambda mask: mask.bit_length() // 8 + 32)

    def _mask(self, documents: np.ndarray) -> int:
        return ids_mask(documents, self.terms.size) & self.live

    def term(self, fieldname: str, text: str) -> int:
        return self.entries.get((fieldname, text),
                                lambda: self._mask(self.terms.term(fieldname, text)[0]))

    def matched(self, q: wq.Query) -> int:
        """Documents of a query that needs positions (a phrase)."""
        return self.entries.get(("query", repr(q)),
                                lambda: self._mask(self.terms.matched_by_whoosh(q)[0]))


def query_mask(q: wq.Query, cache: MaskCache, every: int) -> int:
    """The bitmask of documents that `q` matches (boosts do not matter here)."""
    if isinstance(q, wq.Term):
        return cache.term(q.fieldname, q.text)
    if isinstance(q, wq.AndNot):
        return query_mask(q.a, cache, every) & ~query_mask(q.b, cache, every)
    if isinstance(q, wq.AndMaybe):
        return query_mask(q.a, cache, every)
    if isinstance(q, wq.And):
        mask = every
        for sub in q.subqueries:
            mask &= query_mask(sub, cache, every)
            if not mask:
                break
        return mask
    if isinstance(q, (wq.Or, wq.DisjunctionMax, BestOf)):
        mask = 0
        for sub in q.subqueries:
            mask |= query_mask(sub, cache, every)
        return mask
    if isinstance(q, wq.Every):
        return every
    if isinstance(q, wq.NullQuery.__class__):
        return 0
    return cache.matched(q)  # phrases and anything else: Whoosh finds them
