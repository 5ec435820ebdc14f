"""The search page with insights recording on and off, in one run (issue 16).

    python bench/insights_on_off.py [--rounds 3]

Builds content/ into a temporary index and starts two uvicorn servers on 127.0.0.1 over it,
one recording (LUPUS_GUIDE_INSIGHTS=1, a fresh file) and one not (LUPUS_GUIDE_INSIGHTS=0);
fresh servers each round. For each judged query (tests/relevance/queries.tsv) it asks both
for the search page, alternating which goes first: once worked out (cold) and once again
(from the response cache, where only the recorder's own work remains). Prints p50/p95 of
each and the on/off ratio of the p50s, per round and their median, and how many searches
the recording server stored (all of them, or the ratio means nothing).
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import httpx

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(1, str(ROOT))  # bench.relevance

from server import start_server  # noqa: E402
from stats import percentile  # noqa: E402

from bench.relevance import load_queries  # noqa: E402
from indexer.build import build_index  # noqa: E402


def timed(client: httpx.Client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(f"{url}: HTTP {response.status_code}")
    return elapsed


def one_round(index_dir: Path, work: Path, queries: list[str], number: int) -> dict:
    db = work / f"insights-{number}.sqlite3"
    servers = {}
    for name, env in (("on", {"LUPUS_GUIDE_INSIGHTS": "1", "LUPUS_GUIDE_INSIGHTS_DB": str(db)}),
                      ("off", {"LUPUS_GUIDE_INSIGHTS": "0"})):
        saved = {k: os.environ.get(k) for k in env}
        os.environ.update(env)
        try:
            servers[name] = start_server(ROOT / "content", index_dir, work / f"{name}.log")
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
    times: dict[tuple[str, str], list[float]] = {(s, k): [] for s in servers
                                                 for k in ("cold", "repeated")}
    try:
        clients = {name: httpx.Client(base_url=s.base_url, timeout=30)
                   for name, s in servers.items()}
        for client in clients.values():  # connections open, first-request costs paid
            timed(client, "/search?q=warm+up+lupus")
        for index, query in enumerate(queries):
            url = "/search?" + urlencode({"q": query})
            order = ("on", "off") if index % 2 == 0 else ("off", "on")
            for kind in ("cold", "repeated"):
                for name in order:
                    times[(name, kind)].append(timed(clients[name], url))
        for client in clients.values():
            client.close()
    finally:
        for server in servers.values():
            server.stop()  # the recording server writes what it still has queued
    conn = sqlite3.connect(db)
    stored = conn.execute("SELECT coalesce(sum(count), 0) FROM searches").fetchone()[0]
    conn.close()
    result: dict = {"stored": stored, "sent_to_on": 1 + 2 * len(queries)}
    for (name, kind), seconds in times.items():
        result[f"{name}_{kind}_p50_ms"] = percentile(seconds, 0.5) * 1000
        result[f"{name}_{kind}_p95_ms"] = percentile(seconds, 0.95) * 1000
    for kind in ("cold", "repeated"):
        result[f"{kind}_ratio"] = result[f"on_{kind}_p50_ms"] / result[f"off_{kind}_p50_ms"]
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    queries = [j.query for j in load_queries(ROOT / "tests/relevance/queries.tsv")]
    rounds = []
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        index_dir = work / "index"
        build_index(ROOT / "content", index_dir)
        for number in range(1, args.rounds + 1):
            print(f"round {number}: {len(queries)} queries, cold and repeated, on and off",
                  file=sys.stderr)
            rounds.append(one_round(index_dir, work, queries, number))
    print(f"{'round':<6} {'on cold':>8} {'off cold':>8} {'ratio':>6} {'on rep':>7} {'off rep':>7}"
          f" {'ratio':>6} {'on p95':>7} {'off p95':>7} {'stored':>7}")
    for number, r in enumerate(rounds, 1):
        print(f"{number:<6} {r['on_cold_p50_ms']:>8.2f} {r['off_cold_p50_ms']:>8.2f}"
              f" {r['cold_ratio']:>6.3f} {r['on_repeated_p50_ms']:>7.2f}"
              f" {r['off_repeated_p50_ms']:>7.2f} {r['repeated_ratio']:>6.3f}"
              f" {r['on_cold_p95_ms']:>7.2f} {r['off_cold_p95_ms']:>7.2f}"
              f" {r['stored']:>4}/{r['sent_to_on']}")
    for kind in ("cold", "repeated"):
        ratio = statistics.median(r[f"{kind}_ratio"] for r in rounds)
        print(f"median on/off p50 ratio, {kind} search page: {ratio:.3f}")
    return 0 if all(r["stored"] == r["sent_to_on"] for r in rounds) else 1


if __name__ == "__main__":
    sys.exit(main())
