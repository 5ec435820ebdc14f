"""The results-page query in-process: the site's `search()` and the FTS5 peer, interleaved."""

from __future__ import annotations

import contextlib
import cProfile
import pstats
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from queries import KINDS, BenchQuery
from stats import median_of, summary

from guide_site.settings import load_settings
from guide_site.state import AppState
from search.filters import Filters
from search.results import SearchParams, search

Engine = Callable[[BenchQuery], int]  # runs one query, returns the exact count


@dataclass
class WhooshEngine:
    """The site's own search, as the results page calls it."""

    state: AppState
    per_page: int = 10

    @classmethod
    def open(cls, content_dir: Path, index_dir: Path) -> WhooshEngine:
        return cls(AppState(load_settings().with_paths(content_dir, index_dir)))

    def params(self, query: BenchQuery) -> SearchParams:
        chosen = {"section": [query.section] if query.section else [],
                  "effect": [query.effect] if query.effect else []}
        return SearchParams(q=query.q, filters=Filters.of(chosen))

    def __call__(self, query: BenchQuery) -> int:
        context = self.state.search_context()
        return search(context, self.params(query), per_page=self.per_page).total

    def close(self) -> None:
        self.state.close()


@dataclass
class Timings:
    """One engine's timings: per pass, per kind of query; its counts and its failures."""

    rounds: list[list[float]] = field(default_factory=list)
    first: list[float] = field(default_factory=list)  # the warm-up pass: caches still empty
    by_kind: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in KINDS})
    totals: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def run(self, engine: Engine, query: BenchQuery, *, timed: bool, first_pass: bool) -> None:
        """Run one query; a query that raises is recorded as an error and left out."""
        started = time.perf_counter()
        try:
            total = engine(query)
        except Exception as error:  # the site's code may be half-way through a change
            self.errors.append(f"{query.as_dict()}: {type(error).__name__}: {error}"[:300])
            return
        seconds = time.perf_counter() - started
        if not timed:
            self.first.append(seconds)
        if timed:
            self.rounds[-1].append(seconds)
            self.by_kind[query.kind].append(seconds)
            if first_pass:
                self.totals.append(total)

    def summary(self) -> dict:
        summaries = [summary(r) for r in self.rounds]
        first = summary(self.first) if self.first else {}
        return {
            "first_pass_p50_ms": first.get("p50_ms"),
            "first_pass_p95_ms": first.get("p95_ms"),
            "p50_ms": median_of([s["p50_ms"] for s in summaries]),
            "p95_ms": median_of([s["p95_ms"] for s in summaries]),
            "mean_ms": median_of([s["mean_ms"] for s in summaries]),
            "rounds": [{"p50_ms": s["p50_ms"], "p95_ms": s["p95_ms"]} for s in summaries],
            "by_kind": {kind: summary(samples) for kind, samples in self.by_kind.items()},
            "mean_matches": statistics.fmean(self.totals) if self.totals else None,
            "queries": len(self.rounds[0]) if self.rounds else 0,
            "errors": len(self.errors),
            "error_examples": list(dict.fromkeys(self.errors))[:5],
        }


def time_queries(engines: dict[str, Engine], queries: list[BenchQuery], rounds: int,
                 budget_seconds: float) -> dict:
    """A warm-up pass (timed apart: the first pass over a fresh generation, its caches empty),
    then `rounds` passes; within a pass the engines take turns going first on each query.
    p50/p95 are per pass, then the median over passes. No further pass starts after
    `budget_seconds`."""
    timings = {name: Timings() for name in engines}
    for query in queries:
        for name, engine in engines.items():
            timings[name].run(engine, query, timed=False, first_pass=False)
    deadline = time.monotonic() + budget_seconds
    for round_number in range(rounds):
        if round_number and time.monotonic() > deadline:
            break
        for timing in timings.values():
            timing.rounds.append([])
        for position, query in enumerate(queries):
            names = list(engines)
            if (position + round_number) % 2:
                names.reverse()
            for name in names:
                timings[name].run(engines[name], query, timed=True,
                                  first_pass=round_number == 0)
    return {name: timing.summary() for name, timing in timings.items()}


def profile_engine(engine: Engine, queries: list[BenchQuery], top: int = 20,
                   budget_seconds: float = 60.0) -> dict:
    """cProfile over one pass (cut short after `budget_seconds`): the site's functions by
    cumulative time, everything by own time, in milliseconds per query."""
    profiler = cProfile.Profile()
    deadline = time.monotonic() + budget_seconds
    profiled = 0
    profiler.enable()
    for query in queries:
        if time.monotonic() > deadline:
            break
        with contextlib.suppress(Exception):  # failures are counted by time_queries
            engine(query)
        profiled += 1
    profiler.disable()
    stats = pstats.Stats(profiler)
    per_query = 1000 / max(1, profiled)
    rows = []
    for (filename, line, function), (_cc, calls, own, cumulative, _) in stats.stats.items():
        rows.append({"function": f"{_short(filename)}:{line}({function})", "calls": calls,
                     "own_ms": own * per_query, "cum_ms": cumulative * per_query})
    site = [r for r in rows if r["function"].startswith(("site/", "indexer/"))]
    total = stats.total_tt * per_query
    return {
        "ms_per_query": total,
        "queries": profiled,
        "site_by_cumulative": sorted(site, key=lambda r: -r["cum_ms"])[:top],
        "all_by_own": sorted(rows, key=lambda r: -r["own_ms"])[:top],
    }


def _short(filename: str) -> str:
    """site/search.py, whoosh/..., or the file name alone for anything else."""
    for marker in ("/site/", "/indexer/", "/whoosh/"):
        if marker in filename:
            return marker.strip("/") + "/" + filename.split(marker, 1)[1]
    return filename.rsplit("/", 1)[-1]
