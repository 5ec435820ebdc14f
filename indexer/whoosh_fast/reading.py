"""The read side's uses of Whoosh internals: posting blocks read whole, a BM25F setting,
the spelling corrector's candidates. Each falls back to public Whoosh when the switch is off.
"""

from __future__ import annotations

import numpy as np
from whoosh import matching, scoring
from whoosh.spelling import ListCorrector

from indexer.whoosh_fast.switch import enabled

try:
    from whoosh.codec.whoosh3 import W3LeafMatcher
except ImportError:  # another Whoosh: the switch is off and only the public path runs
    W3LeafMatcher = None


def leaf_postings(matcher: matching.Matcher) -> tuple[np.ndarray, np.ndarray]:
    """(document numbers, weights) of one segment's posting list.

    Fast: a block at a time, from the arrays Whoosh 2.7.4 decodes each block into. Plain:
    Whoosh's matcher stepped one posting at a time (id() and weight())."""
    if isinstance(matcher, matching.FilterMatcher):
        matcher = matcher.child  # deleted pages: left out later by the matched set
    if W3LeafMatcher is not None and isinstance(matcher, W3LeafMatcher) and enabled():
        ids, weights = [], []
        while matcher.is_active():
            matcher._read_ids()
            matcher._read_weights()
            ids.append(np.asarray(matcher._ids, dtype=np.int64)[matcher._i:])
            weights.append(np.asarray(matcher._weights, dtype=np.float64)[matcher._i:])
            matcher._next_block()
        if not ids:
            return np.empty(0, np.int64), np.empty(0)
        return np.concatenate(ids), np.concatenate(weights)
    ids, weights = [], []
    while matcher.is_active():  # a posting list kept inline, or plain Whoosh: step it
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    return np.asarray(ids, dtype=np.int64), np.asarray(weights, dtype=np.float64)


def bm25_field_b(bm25: scoring.BM25F, searcher, fieldname: str, btext: bytes) -> float:
    """BM25F's B for a field (its own `<field>_B`, else B). Plain: asked of the scorer
    Whoosh makes for the term (the field must be scorable and have the term)."""
    if enabled():
        return bm25._field_B.get(fieldname, bm25.B)
    return bm25.scorer(searcher, fieldname, btext).B


def spelling_candidates(corrector: ListCorrector, word: str, maxdist: int,
                        prefix: int) -> list[str]:
    """Every word of the corrector's list within `maxdist` edits of `word` that shares its
    first `prefix` letters, in no particular order (the word itself included, if listed)."""
    if enabled():
        return [candidate for _, candidate in corrector._suggestions(word, maxdist, prefix)]
    # suggest() keeps the best `limit`: a limit of every word keeps them all.
    return corrector.suggest(word, limit=len(corrector.wordlist) + 1, maxdist=maxdist,
                             prefix=prefix)
