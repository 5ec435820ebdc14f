"""The results-page query in-process: the site's `search()` and the FTS5 peer, interleaved."""

from __future__ import annotations

import cProfile
import pstats
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from queries import KINDS, BenchQuery
from stats import median_of, summary

from guide_site.search import SearchParams, search
from guide_site.state import AppState
from indexer.settings import load_settings

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
        return SearchParams(q=query.q, sections=[query.section] if query.section else [],
                            effects=[query.effect] if query.effect else [])

    def __call__(self, query: BenchQuery) -> int:
        context = self.state.search_context()
        return search(context, self.params(query), per_page=self.per_page).total

    def close(self) -> None:
        self.state.live.close()


def time_queries(engines: dict[str, Engine], queries: list[BenchQuery], rounds: int,
                 budget_seconds: float) -> dict:
    """A warm-up pass, then `rounds` passes; within a pass the engines take turns going first
    on each query. p50/p95 are per pass, then the median over passes."""
    for query in queries:
        for engine in engines.values():
            engine(query)
    per_round: dict[str, list[list[float]]] = {name: [] for name in engines}
    by_kind: dict[str, dict[str, list[float]]] = {n: {k: [] for k in KINDS} for n in engines}
    totals: dict[str, list[int]] = {name: [] for name in engines}
    deadline = time.monotonic() + budget_seconds
    for round_number in range(rounds):
        if round_number and time.monotonic() > deadline:
            break
        for name in engines:
            per_round[name].append([])
        for position, query in enumerate(queries):
            names = list(engines)
            if (position + round_number) % 2:
                names.reverse()
            for name in names:
                started = time.perf_counter()
                total = engines[name](query)
                seconds = time.perf_counter() - started
                per_round[name][-1].append(seconds)
                by_kind[name][query.kind].append(seconds)
                if round_number == 0:
                    totals[name].append(total)
    return {name: _engine_summary(per_round[name], by_kind[name], totals[name])
            for name in engines}


def _engine_summary(rounds: list[list[float]], by_kind: dict[str, list[float]],
                    totals: list[int]) -> dict:
    summaries = [summary(r) for r in rounds]
    return {
        "p50_ms": median_of([s["p50_ms"] for s in summaries]),
        "p95_ms": median_of([s["p95_ms"] for s in summaries]),
        "mean_ms": median_of([s["mean_ms"] for s in summaries]),
        "rounds": [{"p50_ms": s["p50_ms"], "p95_ms": s["p95_ms"]} for s in summaries],
        "by_kind": {kind: summary(samples) for kind, samples in by_kind.items()},
        "mean_matches": statistics.fmean(totals) if totals else None,
        "queries": len(rounds[0]) if rounds else 0,
    }


def profile_engine(engine: Engine, queries: list[BenchQuery], top: int = 20) -> dict:
    """cProfile over one pass: the site's functions by cumulative time, everything by own
    time, in milliseconds per query."""
    profiler = cProfile.Profile()
    profiler.enable()
    for query in queries:
        engine(query)
    profiler.disable()
    stats = pstats.Stats(profiler)
    per_query = 1000 / max(1, len(queries))
    rows = []
    for (filename, line, function), (_cc, calls, own, cumulative, _) in stats.stats.items():
        rows.append({"function": f"{_short(filename)}:{line}({function})", "calls": calls,
                     "own_ms": own * per_query, "cum_ms": cumulative * per_query})
    site = [r for r in rows if r["function"].startswith(("site/", "indexer/"))]
    total = stats.total_tt * per_query
    return {
        "ms_per_query": total,
        "site_by_cumulative": sorted(site, key=lambda r: -r["cum_ms"])[:top],
        "all_by_own": sorted(rows, key=lambda r: -r["own_ms"])[:top],
    }


def _short(filename: str) -> str:
    """site/search.py, whoosh/..., or the file name alone for anything else."""
    for marker in ("/site/", "/indexer/", "/whoosh/"):
        if marker in filename:
            return marker.strip("/") + "/" + filename.split(marker, 1)[1]
    return filename.rsplit("/", 1)[-1]
