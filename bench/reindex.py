"""Searches while an editor publishes: latency around each `lupus-guide update`, and how long
until the site serves the new generation.

    python bench/reindex.py [--pages 10000] [--edits 5]

Uses the cached synthetic guide of that size (bench/synth.py), builds it into a temporary
index and serves it with uvicorn on 127.0.0.1. One client searches without a pause (distinct
queries of the benchmark's mix, so no answer comes from a cache) while one page at a time is
edited and `lupus-guide update` publishes it. Prints the search latency before the first
edit ("steady"), while each update runs, and in the two seconds after each one finished,
p50 / p95 / max; and the seconds from the end of an update until /api/status shows the new
generation. Everything stops by itself and the server is stopped by its PID.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from builds import build_in_process, cli_command, edit_page, link_tree, run_command  # noqa: E402
from queries import BenchQuery, distinct_queries  # noqa: E402
from server import start_server  # noqa: E402
from stats import summary  # noqa: E402
from synth import ensure_guide, load_meta  # noqa: E402

STEADY_SECONDS = 3.0  # searching before the first edit
AFTER_SECONDS = 2.0  # the window after each update that counts as "after a reindex"
LIVE_TIMEOUT = 60.0  # for the new generation to be served


@dataclass
class Searches:
    """(start, seconds) of every search the client sent, and the failures."""

    samples: list[tuple[float, float]] = field(default_factory=list)
    errors: int = 0

    def between(self, start: float, end: float) -> list[float]:
        return [seconds for began, seconds in self.samples if start <= began < end]


def search_without_pause(base_url: str, queries: list[BenchQuery], stop: threading.Event,
                         searches: Searches) -> None:
    with httpx.Client(base_url=base_url, timeout=30) as client:
        for query in queries:
            if stop.is_set():
                return
            began = time.perf_counter()
            try:
                ok = client.get(query.path()).status_code == 200
            except httpx.HTTPError:
                ok = False
            searches.samples.append((began, time.perf_counter() - began))
            searches.errors += not ok


def served_generation(base_url: str) -> int:
    return httpx.get(base_url + "/api/status", timeout=30).json()["generation"]


def wait_for_generation(base_url: str, number: int) -> float:
    """Seconds until the server serves generation `number` (polled every 10 ms)."""
    started = time.perf_counter()
    while served_generation(base_url) < number:
        if time.perf_counter() - started > LIVE_TIMEOUT:
            raise RuntimeError(f"generation {number} was not served within {LIVE_TIMEOUT}s")
        time.sleep(0.01)
    return time.perf_counter() - started


def row(label: str, seconds: list[float]) -> str:
    s = summary(seconds)
    if not s["n"]:
        return f"{label:<22} {'-':>6}"
    return (f"{label:<22} {s['n']:>6} {s['p50_ms']:>8.2f} {s['p95_ms']:>8.2f}"
            f" {max(seconds) * 1000:>8.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=10_000)
    parser.add_argument("--edits", type=int, default=5)
    args = parser.parse_args()
    guide = ensure_guide(args.pages)
    queries = distinct_queries(load_meta(guide), 20_000, "bench-reindex-v1")
    with tempfile.TemporaryDirectory() as work:
        content, index = Path(work) / "content", Path(work) / "index"
        link_tree(guide, content)
        build_in_process(content, index)
        page = sorted((content / "treating-lupus").glob("*.html"))[0]
        update = [*cli_command(), "update", "--content", str(content), "--index", str(index)]
        server = start_server(content, index, Path(work) / "server.log")
        stop, searches = threading.Event(), Searches()
        client = threading.Thread(target=search_without_pause,
                                  args=(server.base_url, queries, stop, searches))
        windows: list[tuple[float, float, float]] = []  # (update start, end, seconds to live)
        try:
            generation = served_generation(server.base_url)
            client.start()
            time.sleep(STEADY_SECONDS)
            for serial in range(1, args.edits + 1):
                edit_page(page, serial)
                began = time.perf_counter()
                result = run_command(update, timeout=300)
                ended = time.perf_counter()
                if result["returncode"] != 0:
                    raise RuntimeError(f"update failed: {result['output']}")
                generation += 1
                windows.append((began, ended, wait_for_generation(server.base_url, generation)))
                time.sleep(max(0.0, ended + AFTER_SECONDS - time.perf_counter()))
        finally:
            stop.set()
            client.join(timeout=60)
            server.stop()
    first = windows[0][0] if windows else time.perf_counter()
    during = [s for began, ended, _ in windows for s in searches.between(began, ended)]
    after = [s for _, ended, _ in windows
             for s in searches.between(ended, ended + AFTER_SECONDS)]
    print(f"{args.pages:,} pages, {len(windows)} updates of one page, search errors:"
          f" {searches.errors}")
    print(f"{'searches (ms)':<22} {'n':>6} {'p50':>8} {'p95':>8} {'max':>8}")
    print(row("steady", searches.between(0.0, first)))
    print(row("while updating", during))
    print(row(f"{AFTER_SECONDS:.0f} s after an update", after))
    live = sorted(seconds for _, _, seconds in windows)
    if live:
        print(f"new generation served {live[len(live) // 2]:.2f} s (median), {live[-1]:.2f} s"
              " (max) after the update finished")
    return 1 if searches.errors else 0


if __name__ == "__main__":
    sys.exit(main())
