"""BestOf: a disjunction scored by its best-matching part.

Whoosh 2.7.4's DisjunctionMax takes the max of both sides' scores even when the two sides
stand on different documents, so every match gets the best score of any; this matcher only
compares sides that are on the current document.
"""

from __future__ import annotations

from whoosh import matching
from whoosh import query as wq


class BestOfMatcher(matching.DisjunctionMaxMatcher):
    def score(self) -> float:
        a, b = self.a, self.b
        if not a.is_active():
            return b.score()
        if not b.is_active():
            return a.score()
        a_id, b_id = a.id(), b.id()
        if a_id < b_id:
            return a.score()
        if b_id < a_id:
            return b.score()
        return max(a.score(), b.score())


class BestOf(wq.DisjunctionMax):
    def _matcher(self, subs, searcher, context):
        reader = searcher.reader()
        return self._tree_matcher(subs, BestOfMatcher, searcher, context,
                                  lambda q: q.estimate_size(reader), tiebreak=self.tiebreak)
