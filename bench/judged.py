"""Judged queries -> success@1, success@3, MRR and nDCG@10 of the live search; the safety set
-> urgent searches caught and false alarms. Used by `python bench/relevance.py` and the tests."""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from pathlib import Path

from search.results import SearchContext, SearchParams, search

DEPTH = 10
NOT_COVERED = "NONE"  # the expected answer of a query about something the guide does not cover


@dataclass(frozen=True)
class Judged:
    query: str
    expected: tuple[str, ...]  # the best answer first
    kind: str


@dataclass
class Outcome:
    judged: Judged
    ranked: list[str]
    covered: bool = True  # some page has every word (or an urgent notice answered)

    @property
    def rank(self) -> int | None:
        """1-based rank of the first expected page, None when it is not in the top 10. A
        query the guide does not cover (expected NONE) is answered when no page has every
        word: the search then says so instead of offering a confident page."""
        if self.judged.expected == (NOT_COVERED,):
            return None if self.covered else 1
        for position, url in enumerate(self.ranked, 1):
            if url in self.judged.expected:
                return position
        return None

    @property
    def ndcg(self) -> float:
        if self.judged.expected == (NOT_COVERED,):
            return 1.0 if self.rank == 1 else 0.0
        gains = [1.0 if url in self.judged.expected else 0.0 for url in self.ranked[:DEPTH]]
        dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains))
        ideal = sum(1 / math.log2(i + 2) for i in range(min(DEPTH, len(self.judged.expected))))
        return dcg / ideal if ideal else 0.0


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)

    def _share(self, test) -> float:
        return sum(1 for o in self.outcomes if test(o)) / max(1, len(self.outcomes))

    @property
    def success_at_1(self) -> float:
        return self._share(lambda o: o.rank == 1)

    @property
    def success_at_3(self) -> float:
        return self._share(lambda o: o.rank is not None and o.rank <= 3)

    @property
    def mrr(self) -> float:
        return sum(1 / o.rank for o in self.outcomes if o.rank) / max(1, len(self.outcomes))

    @property
    def ndcg_at_10(self) -> float:
        return sum(o.ndcg for o in self.outcomes) / max(1, len(self.outcomes))

    def misses(self, worse_than: int = 1) -> list[Outcome]:
        return [o for o in self.outcomes if o.rank is None or o.rank > worse_than]


def load_queries(path: Path) -> list[Judged]:
    with open(path, encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle, delimiter="\t")
        return [Judged(r["query"], tuple(r["expected"].split()), r.get("kind", ""))
                for r in rows if r.get("query")]


def evaluate(context: SearchContext, queries: list[Judged]) -> Report:
    report = Report()
    for judged in queries:
        # A fragment is a search being typed (the instant view completes its last word);
        # every other kind is a sent search, which means whole words.
        params = SearchParams(q=judged.query, typing=judged.kind == "fragment")
        result = search(context, params, per_page=DEPTH)
        # An urgent notice's pages are what a person sees first.
        pinned = [page.url.partition("#")[0] for page in result.pinned]
        ranked = pinned + [hit.url for hit in result.hits if hit.url not in pinned]
        covered = bool(pinned) or (bool(result.hits) and not result.relaxed)
        report.outcomes.append(Outcome(judged, ranked[:DEPTH], covered))
    return report


@dataclass(frozen=True)
class UrgentCase:
    query: str
    expected: tuple[str, ...]  # acceptable notice ids; () for an ordinary search
    style: str


@dataclass
class SafetyOutcome:
    case: UrgentCase
    got: str | None  # the notice id the search showed


@dataclass
class SafetyReport:
    """Urgent searches caught with the right kind of notice, and false alarms."""

    outcomes: list[SafetyOutcome] = field(default_factory=list)

    @property
    def urgent(self) -> list[SafetyOutcome]:
        return [o for o in self.outcomes if o.case.expected]

    @property
    def ordinary(self) -> list[SafetyOutcome]:
        return [o for o in self.outcomes if not o.case.expected]

    @property
    def caught(self) -> float:
        urgent = self.urgent
        return sum(1 for o in urgent if o.got in o.case.expected) / max(1, len(urgent))

    @property
    def false_alarms(self) -> float:
        ordinary = self.ordinary
        return sum(1 for o in ordinary if o.got is not None) / max(1, len(ordinary))

    def misses(self) -> list[SafetyOutcome]:
        return [o for o in self.outcomes
                if (o.got not in o.case.expected if o.case.expected else o.got is not None)]


def load_safety_cases(path: Path) -> list[UrgentCase]:
    with open(path, encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle, delimiter="\t")
        return [UrgentCase(r["query"], tuple(e for e in r["expected"].split() if e != "none"),
                           r.get("style", "")) for r in rows if r.get("query")]


def evaluate_safety(context: SearchContext, cases: list[UrgentCase]) -> SafetyReport:
    report = SafetyReport()
    for case in cases:
        result = search(context, SearchParams(q=case.query), per_page=1)
        report.outcomes.append(SafetyOutcome(case, result.notice.id if result.notice else None))
    return report
