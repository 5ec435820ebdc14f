"""Each term's documents as a bitmask, made once per generation and kept (least recently
used out first); a query's mask is computed from them (search/evaluate.py) with AND, OR and
AND NOT on integers, without scoring anything. Totals and facet counts need every match."""

from __future__ import annotations

import numpy as np
from whoosh import query as wq

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

