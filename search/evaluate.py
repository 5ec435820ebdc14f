"""One walk over a query tree, for the two things a search needs from it: which documents
match (bitmasks: totals and facet counts need every match) and how each scores (arrays:
ranking needs the best ten). Both combine the parts the way Whoosh's matchers do (Or adds,
And adds where all match, BestOfDisjunction takes the best part, AndNot removes, AndMaybe
adds a bonus); what they combine differs, so each is a `Way` of evaluating.

Whoosh steps a tree of matchers one document at a time in Python; here each term's
documents and scores are worked out once per generation (search/scores.py, search/masks.py)
and a query is a few whole-array steps, whatever the number of matches.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Protocol, TypeVar

import numpy as np
from whoosh import query as wq

from indexer.whoosh_fast import BestOfDisjunction
from search.masks import MaskCache
from search.scores import TermScores

T = TypeVar("T")


class Way(Protocol[T]):
    """What one way of evaluating does with each kind of node."""

    def term(self, q: wq.Term) -> T: ...
    def every(self, q: wq.Every) -> T: ...
    def nothing(self) -> T: ...
    def positions(self, q: wq.Query) -> T: ...  # phrases and the rest: Whoosh finds them
    def all_of(self, parts: Iterator[T], boost: float) -> T: ...
    def any_of(self, parts: Iterator[T], boost: float) -> T: ...
    def best_of(self, parts: Iterator[T], boost: float) -> T: ...
    def but_not(self, kept: T, removed: Callable[[], T]) -> T: ...
    def with_bonus(self, base: T, bonus: Callable[[], T]) -> T: ...


def evaluate(q: wq.Query, way: Way[T]) -> T:
    """The query evaluated one way. Parts are handed over lazily, so a way may stop early
    (an And whose documents have run out)."""
    if isinstance(q, wq.Term):
        return way.term(q)
    if isinstance(q, wq.AndNot):
        return way.but_not(evaluate(q.a, way), lambda: evaluate(q.b, way))
    if isinstance(q, wq.AndMaybe):
        return way.with_bonus(evaluate(q.a, way), lambda: evaluate(q.b, way))
    if isinstance(q, (BestOfDisjunction, wq.And, wq.Or)):
        parts = (evaluate(sub, way) for sub in q.subqueries)
        if isinstance(q, BestOfDisjunction):
            return way.best_of(parts, q.boost)
        if isinstance(q, wq.And):
            return way.all_of(parts, q.boost)
        return way.any_of(parts, q.boost)
    if isinstance(q, wq.Every):
        return way.every(q)
    if q is wq.NullQuery:
        return way.nothing()
    return way.positions(q)


class Matches:
    """Documents as bitmasks (bit n = document n); boosts do not matter here."""

    def __init__(self, cache: MaskCache) -> None:
        self.cache = cache
        self.live = cache.live  # documents not deleted

    def term(self, q: wq.Term) -> int:
        return self.cache.term(q.fieldname, q.text)

    def every(self, q: wq.Every) -> int:
        return self.live

    def nothing(self) -> int:
        return 0

    def positions(self, q: wq.Query) -> int:
        return self.cache.matched(q)

    def all_of(self, parts: Iterator[int], boost: float) -> int:
        mask, seen = self.live, False
        for part in parts:
            mask, seen = mask & part, True
            if not mask:
                break  # the other parts cannot bring any back
        return mask if seen else 0

    def any_of(self, parts: Iterator[int], boost: float) -> int:
        mask = 0
        for part in parts:
            mask |= part
        return mask

    best_of = any_of

    def but_not(self, kept: int, removed: Callable[[], int]) -> int:
        return kept & ~removed() if kept else 0

    def with_bonus(self, base: int, bonus: Callable[[], int]) -> int:
        return base


class Scores:
    """Every document's score as Whoosh's BM25F would give it (0 where it does not match)."""

    def __init__(self, terms: TermScores) -> None:
        self.terms = terms
        self.size = terms.size

    def _spread(self, ids: np.ndarray, scores: np.ndarray) -> np.ndarray:
        out = np.zeros(self.size)
        out[ids] = scores
        return out

    def term(self, q: wq.Term) -> np.ndarray:
        ids, scores = self.terms.term(q.fieldname, q.text)
        return self._spread(ids, scores * q.boost)

    def every(self, q: wq.Every) -> np.ndarray:
        return np.full(self.size, q.boost)

    def nothing(self) -> np.ndarray:
        return np.zeros(self.size)

    def positions(self, q: wq.Query) -> np.ndarray:
        return self._spread(*self.terms.matched_by_whoosh(q))

    @staticmethod
    def _boosted(out: np.ndarray, boost: float) -> np.ndarray:
        return out * boost if boost != 1.0 else out

    def all_of(self, parts: Iterator[np.ndarray], boost: float) -> np.ndarray:
        subs = list(parts)
        if not subs:
            return self.nothing()
        total = np.add.reduce(subs) if len(subs) > 1 else subs[0]
        every = np.logical_and.reduce([s > 0 for s in subs])
        return self._boosted(np.where(every, total, 0.0), boost)

    def any_of(self, parts: Iterator[np.ndarray], boost: float) -> np.ndarray:
        subs = list(parts)
        if not subs:
            return self.nothing()
        return self._boosted(np.add.reduce(subs) if len(subs) > 1 else subs[0], boost)

    def best_of(self, parts: Iterator[np.ndarray], boost: float) -> np.ndarray:
        subs = list(parts)
        if not subs:
            return self.nothing()
        return self._boosted(np.maximum.reduce(subs) if len(subs) > 1 else subs[0], boost)

    def but_not(self, kept: np.ndarray, removed: Callable[[], np.ndarray]) -> np.ndarray:
        kept[removed() > 0] = 0.0
        return kept

    def with_bonus(self, base: np.ndarray, bonus: Callable[[], np.ndarray]) -> np.ndarray:
        return base + np.where(base > 0, bonus(), 0.0)


def query_mask(q: wq.Query, cache: MaskCache) -> int:
    """The bitmask of the documents `q` matches."""
    return evaluate(q, Matches(cache))


def query_scores(q: wq.Query, terms: TermScores) -> np.ndarray:
    """Every document's score for `q`, as Whoosh would score it."""
    return evaluate(q, Scores(terms))
