"""The shipped guide over HTTP: the search page against a bare route of the same server.

    python bench/shipped.py [--rounds 3]

Builds content/ into a temporary index and serves it with uvicorn on 127.0.0.1, with the
bare `/_floor` route added (a fresh server each round). For each judged query in
tests/relevance/queries.tsv it sends, on one keep-alive connection: floor, the search page
(cold), floor, the same page again (repeated), floor, and the page with If-None-Match.
Prints p50/p95 of each and the ratios to the floor, per round and their median.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

from http_bench import latency_pass, latency_summary  # noqa: E402
from queries import BenchQuery  # noqa: E402
from server import start_server  # noqa: E402

from bench.relevance import load_queries  # noqa: E402
from indexer.build import build_index  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    judged = load_queries(ROOT / "tests/relevance/queries.tsv")
    rounds = []
    queries = [BenchQuery("judged", j.query) for j in judged]
    with tempfile.TemporaryDirectory() as work:
        index_dir = Path(work) / "index"
        build_index(ROOT / "content", index_dir)
        for _ in range(args.rounds):
            # A fresh server each round, so "cold" requests find nothing in its caches.
            server = start_server(ROOT / "content", index_dir, Path(work) / "server.log")
            try:
                rounds.append(latency_summary(latency_pass(server.base_url, queries, 120.0)))
            finally:
                server.stop()
    print(f"{'round':<6} {'floor p50':>9} {'cold p50':>9} {'cold p95':>9} {'rep p50':>8}"
          f" {'304 p50':>8} {'cold/floor':>10} {'rep/floor':>9} {'304/floor':>9}")
    for number, s in enumerate(rounds, 1):
        print(f"{number:<6} {s['floor']['p50_ms']:>9.2f} {s['cold']['p50_ms']:>9.2f}"
              f" {s['cold']['p95_ms']:>9.2f} {s['repeated']['p50_ms']:>8.2f}"
              f" {s['conditional']['p50_ms']:>8.2f} {s.get('cold_over_floor_p50', 0):>10.2f}"
              f" {s.get('repeated_over_floor_p50', 0):>9.2f}"
              f" {s.get('conditional_over_floor_p50', 0):>9.2f}")
    for name in ("cold", "repeated", "conditional"):
        ratios = [s.get(f"{name}_over_floor_p50", 0.0) for s in rounds]
        print(f"median {name}/floor p50 ratio: {statistics.median(ratios):.2f}")
    errors = sum(s["errors"] for s in rounds)
    print(f"errors: {errors}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
