"""Each term's BM25F scores, worked out once per generation with Whoosh's own statistics
(its idf, average field length and quantized field lengths) and kept as arrays; a query
combines them the way Whoosh's matchers would (search/evaluate.py), in a few vectorized
steps whatever the number of matches; a test checks order and scores against Whoosh's.
"""

from __future__ import annotations

import time

import numpy as np
from whoosh import query as wq
from whoosh import scoring
from whoosh.searching import Searcher

from indexer.whoosh_fast import bm25_field_b, leaf_postings
from search.sized_cache import SizedCache

CACHE_BYTES = 96 * 1024 * 1024  # per generation; a posting costs 16 bytes (id and score)
WARM_SHARE = 500  # warm-up: terms in at least 1 in this many pages
Scored = tuple[np.ndarray, np.ndarray]  # document numbers, scores


class TermScores:
    """Each (field, term)'s BM25F scores for one generation, least recently used out first."""

    def __init__(self, searcher: Searcher, limit_bytes: int = CACHE_BYTES) -> None:
        self.searcher = searcher
        self.size = searcher.doc_count_all()
        self.entries: SizedCache[Scored] = SizedCache(
            limit_bytes, lambda scored: scored[0].nbytes + scored[1].nbytes + 64)
        self._lengths: dict[str, np.ndarray] = {}
        weighting = searcher.weighting
        self.bm25 = weighting if isinstance(weighting, scoring.BM25F) else scoring.BM25F()

    def lengths(self, fieldname: str) -> np.ndarray:
        """Every document's length of a field, as Whoosh's scorer sees it (quantized,
        at least 1)."""
        found = self._lengths.get(fieldname)
        if found is None:
            length = self.searcher.doc_field_length
            found = np.fromiter((length(d, fieldname, 1) for d in range(self.size)),
                                dtype=np.float64, count=self.size)
            self._lengths[fieldname] = found
        return found

    def term(self, fieldname: str, text: str) -> Scored:
        return self.entries.get((fieldname, text), lambda: self._read(fieldname, text))

    def has(self, fieldname: str, text: str) -> bool:
        """Whether any page has the term in the field (asked of the same cache)."""
        return len(self.term(fieldname, text)[0]) > 0

    def _read(self, fieldname: str, text: str) -> Scored:
        searcher = self.searcher
        btext = searcher.schema[fieldname].to_bytes(text)
        if (fieldname, btext) not in searcher.reader():
            return np.empty(0, np.int64), np.empty(0)
        parts = []
        for reader, offset in searcher.reader().leaf_readers():
            if (fieldname, btext) in reader:
                ids, weights = leaf_postings(reader.postings(fieldname, btext))
                parts.append((ids + offset, weights))
        ids = np.concatenate([p[0] for p in parts])
        weights = np.concatenate([p[1] for p in parts])
        return ids, self._bm25(fieldname, btext, ids, weights)

    def _bm25(self, fieldname: str, btext: bytes, ids: np.ndarray, weights: np.ndarray
              ) -> np.ndarray:
        """Whoosh's BM25F for every posting at once (scoring.bm25, vectorized)."""
        searcher = self.searcher
        if not searcher.schema[fieldname].scorable:
            return weights
        idf = searcher.idf(fieldname, btext)
        avgfl = searcher.avg_field_length(fieldname) or 1
        k1 = self.bm25.K1
        b = bm25_field_b(self.bm25, searcher, fieldname, btext)
        lengths = self.lengths(fieldname)[ids]
        return idf * ((weights * (k1 + 1)) / (weights + k1 * ((1 - b) + b * lengths / avgfl)))

    def warm(self, fieldnames: list[str], seconds: float) -> int:
        """Work out the scores of each field's common terms (all terms of a small guide)
        ahead of the first searches, for at most `seconds`. Returns how many."""
        deadline = time.monotonic() + seconds
        leaves = self.searcher.reader().leaf_readers()
        # Per segment (a multi-segment reader looks each term up in every segment).
        common = max(1, self.size // WARM_SHARE // len(leaves))
        done, cache = 0, self.entries
        for fieldname in reversed(fieldnames):  # the body's long posting lists cost most
            field = self.searcher.schema[fieldname]
            for reader, _ in leaves:
                for btext, info in reader.iter_field(fieldname):
                    if time.monotonic() > deadline or cache.used > cache.limit // 2:
                        return done
                    if info.doc_frequency() < common:
                        continue
                    text = field.from_bytes(btext)
                    if (fieldname, text) not in cache:
                        self.term(fieldname, text)
                        done += 1
        return done

    def matched_by_whoosh(self, q: wq.Query) -> Scored:
        """A query that needs positions (a phrase): Whoosh finds and scores it, once."""
        return self.entries.get(("query", repr(q)), lambda: self._whoosh_matches(q))

    def _whoosh_matches(self, q: wq.Query) -> Scored:
        ids, scores = [], []
        matcher = q.matcher(self.searcher)
        while matcher.is_active():
            ids.append(matcher.id())
            scores.append(matcher.score())
            matcher.next()
        return np.asarray(ids, dtype=np.int64), np.asarray(scores, dtype=np.float64)


def top_documents(scores: np.ndarray, allowed: np.ndarray, limit: int
                  ) -> list[tuple[int, float]]:
    """The best `limit` (document, score) pairs among the allowed documents: highest
    score first, ties by document number, as Whoosh orders them."""
    candidates = np.flatnonzero(allowed & (scores > 0))
    if not len(candidates) or limit <= 0:
        return []
    values = scores[candidates]
    if len(candidates) > limit:
        cutoff = np.partition(values, len(values) - limit)[len(values) - limit]
        keep = values >= cutoff  # every tie at the cut-off, so ties still go by number
        candidates, values = candidates[keep], values[keep]
    order = np.lexsort((candidates, -values))[:limit]
    return [(int(d), float(s)) for d, s in zip(candidates[order], values[order], strict=True)]


def mask_array(mask: int, size: int) -> np.ndarray:
    """A document bitmask (bit n = document n) as a boolean array of `size`."""
    mask &= (1 << size) - 1
    data = np.frombuffer(mask.to_bytes((size + 7) // 8, "little"), dtype=np.uint8)
    return np.unpackbits(data, bitorder="little")[:size].astype(bool)


def ids_mask(ids: np.ndarray, size: int) -> int:
    """Document numbers as a bitmask (bit n = document n)."""
    bits = np.zeros(size, dtype=bool)
    bits[ids] = True
    return int.from_bytes(np.packbits(bits, bitorder="little").tobytes(), "little")
