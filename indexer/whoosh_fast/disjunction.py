"""A disjunction scored by its best-matching part, as a Whoosh query.

Whoosh 2.7.4's DisjunctionMax takes the max of both sides' scores even when the two sides
stand on different documents, so every match gets the best score of any. Fast: Whoosh's
tree of two-sided matchers with a score that only compares sides on the current document.
Plain: each part's matches collected with public calls, the best score of each document
kept, served by a ListMatcher.
"""

from __future__ import annotations

from whoosh import matching
from whoosh import query as wq

from indexer.whoosh_fast.switch import enabled

# Another Whoosh may not have it: the switch is then off and the class is never made.
_DisMaxMatcher = getattr(matching, "DisjunctionMaxMatcher", object)


class BestOfMatcher(_DisMaxMatcher):  # type: ignore[misc, valid-type]
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


class BestOfDisjunction(wq.DisjunctionMax):
    """DisjunctionMax scored only by the parts that match the document at hand."""

    def matcher(self, searcher, context=None) -> matching.Matcher:
        if enabled():
            return super().matcher(searcher, context)  # Whoosh calls _matcher below
        return _collected_best(self, searcher, context)

    def _matcher(self, subs, searcher, context):
        reader = searcher.reader()
        return self._tree_matcher(subs, BestOfMatcher, searcher, context,
                                  lambda q: q.estimate_size(reader), tiebreak=self.tiebreak)


def _collected_best(q: wq.CompoundQuery, searcher, context) -> matching.Matcher:
    """The same matches and scores with public calls only: every part's matches stepped
    through, each document's best score kept (boost applied as Whoosh's tree does)."""
    subs = q.subqueries
    if not subs:
        return matching.NullMatcher()
    if len(subs) == 1:  # as CompoundQuery.matcher: the part's own matcher, no boost
        return subs[0].matcher(searcher, context)
    best: dict[int, float] = {}
    for sub in subs:
        m = sub.matcher(searcher, context)
        while m.is_active():
            doc, score = m.id(), m.score()
            if score > best.get(doc, float("-inf")):
                best[doc] = score
            m.next()
    if not best:
        return matching.NullMatcher()
    ids = sorted(best)
    return matching.ListMatcher(ids, [best[doc] * q.boost for doc in ids])
