"""Requests/s and latency of static files and searches under 4 clients, this checkout's code
against an older commit's, in one run (the two servers take turns).

    python bench/concurrency.py --baseline 749b2ad        # before the engine thread
    python bench/concurrency.py --baseline 749b2ad --pages 1000 --seconds 5 --rounds 3

Each side builds its own index of the same synthetic guide with its own code, then serves it
with one uvicorn worker while four clients (each with a keep-alive connection) send:
`mixed`: two search a query never sent before, two fetch /static/style.css; `searches`: all
four search; `static`: all four fetch the style sheet. It prints requests/s and the p50/p95
latency of each kind. On two shared cores the clients and the server compete for CPU: read
the ratio between the two sides, not the absolute numbers. Stops every process it starts.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

import httpx  # noqa: E402
import synth  # noqa: E402
from queries import distinct_queries  # noqa: E402
from server import free_port, status_kib  # noqa: E402
from stats import summary  # noqa: E402

STATIC = "/static/style.css"
CLIENTS = 4


def code_tree(commit: str, cache: Path) -> Path:
    """The project's Python packages at `commit`, importable with PYTHONPATH (the web
    folder `site` is imported as `guide_site`)."""
    resolved = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short=12", commit],
                              capture_output=True, text=True, check=True).stdout.strip()
    target = cache / f"code-{resolved}"
    if (target / "guide_site").exists():
        return target
    listed = subprocess.run(["git", "-C", str(ROOT), "ls-tree", "--name-only", resolved],
                            capture_output=True, text=True, check=True).stdout.split()
    folders = [name for name in ("indexer", "search", "site") if name in listed]
    building = target.with_name(f"{target.name}.tmp-{os.getpid()}")
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", resolved, *folders],
                             capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(building)], input=archive, check=True)
    (building / "guide_site").symlink_to("site")
    shutil.rmtree(target, ignore_errors=True)
    os.rename(building, target)
    return target


def environment(tree: Path | None, content: Path, index: Path) -> dict[str, str]:
    env = {**os.environ, "PYTHONWARNINGS": "ignore", "LUPUS_GUIDE_CONTENT": str(content),
           "LUPUS_GUIDE_INDEX": str(index)}
    env.pop("PYTHONPATH", None)
    if tree is not None:
        env["PYTHONPATH"] = str(tree)
    return env


class Side:
    """One version of the code: its index and, while measuring, its server."""

    def __init__(self, name: str, tree: Path | None, content: Path, work: Path) -> None:
        self.name, self.tree = name, tree
        self.index = work / f"index-{name}"
        self.env = environment(tree, content, self.index)
        self.log = work / f"server-{name}.log"
        self.process: subprocess.Popen | None = None
        self.port = 0

    def build(self) -> None:
        # Not from the checkout's folder: `python -m` puts the working folder first on the
        # path, and this checkout's packages would shadow the baseline's.
        subprocess.run([sys.executable, "-m", "indexer.cli", "build"], env=self.env,
                       check=True, capture_output=True, timeout=1800, cwd=self.index.parent)

    def start(self) -> str:
        self.port = free_port()
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "uvicorn", "guide_site.app:create_app", "--factory",
                 "--host", "127.0.0.1", "--port", str(self.port), "--log-level", "warning",
                 "--no-access-log"], env=self.env, stdout=log, stderr=subprocess.STDOUT,
                cwd=self.index.parent)
        base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(self.log.read_text(errors="replace")[-2000:])
            try:
                if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                    return base
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"{self.name}: the server did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.process = None

    def rss_mib(self) -> float:
        return status_kib(self.process.pid, "VmRSS") / 1024 if self.process else 0.0


def run_clients(base: str, plan: list[Callable[[], str]], seconds: float) -> dict[str, dict]:
    """One thread a client, each sending the paths its supplier gives for `seconds`."""
    latencies: dict[str, list[float]] = {}
    errors: dict[str, int] = {}
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client(next_path: Callable[[], str]) -> None:
        with httpx.Client(base_url=base, timeout=60) as http:
            while time.monotonic() < stop_at:
                try:
                    path = next_path()
                except StopIteration:  # out of fresh queries: this client stops early
                    return
                kind = "static" if path.startswith("/static") else "search"
                started = time.perf_counter()
                try:
                    ok = http.get(path).status_code == 200
                except httpx.HTTPError:
                    ok = False
                took = time.perf_counter() - started
                with lock:
                    if ok:
                        latencies.setdefault(kind, []).append(took)
                    else:
                        errors[kind] = errors.get(kind, 0) + 1

    threads = [threading.Thread(target=client, args=(supplier,), daemon=True)
               for supplier in plan]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 120)
    elapsed = time.perf_counter() - started
    return {kind: {**summary(values), "rps": len(values) / elapsed,
                   "errors": errors.get(kind, 0)} for kind, values in latencies.items()}


def searches(paths: list[str]) -> Callable[[], str]:
    """Queries never sent before (a thread-safe supplier)."""
    lock, source = threading.Lock(), iter(paths)

    def next_path() -> str:
        with lock:
            return next(source)

    return next_path


def static() -> str:
    return STATIC


def measure(side: Side, paths: list[str], seconds: float) -> dict:
    base = side.start()
    try:
        for path in paths[:40]:  # warm up: the engine, the caches, the connections
            httpx.get(base + path, timeout=60)
        rest = iter(paths[40:])
        fresh = searches(list(rest))
        return {
            "mixed": run_clients(base, [fresh, fresh, static, static], seconds),
            "searches": run_clients(base, [fresh] * CLIENTS, seconds),
            "static": run_clients(base, [static] * CLIENTS, seconds),
            "rss_mib": side.rss_mib(),
        }
    finally:
        side.stop()


def median_round(rounds: list[dict], scenario: str, kind: str, key: str) -> float:
    values = sorted(r[scenario].get(kind, {}).get(key, 0.0) or 0.0 for r in rounds)
    return values[len(values) // 2] if values else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default="749b2ad", help="an older commit to compare")
    parser.add_argument("--pages", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    content = synth.ensure_guide(args.pages, log=lambda m: print(m, file=sys.stderr))
    meta = synth.load_meta(content)
    with tempfile.TemporaryDirectory(prefix="lupus-concurrency-") as folder:
        work = Path(folder)
        sides = [Side("current", None, content, work),
                 Side("baseline", code_tree(args.baseline, synth.CACHE_ROOT), content, work)]
        for side in sides:
            print(f"building {side.name} ({args.pages} pages) ...", file=sys.stderr)
            side.build()
        needed = int(args.rounds * len(sides) * (40 + args.seconds * 1200))
        queries = distinct_queries(meta, needed, "concurrency-v1")
        paths = [q.path() for q in queries]
        results: dict[str, list[dict]] = {side.name: [] for side in sides}
        chunk = len(paths) // (args.rounds * len(sides))
        for round_ in range(args.rounds):
            for number, side in enumerate(sides):  # turns: the same machine state for both
                start = (round_ * len(sides) + number) * chunk
                print(f"round {round_ + 1}: {side.name} ...", file=sys.stderr)
                results[side.name].append(measure(side, paths[start:start + chunk],
                                                  args.seconds))
    print(f"\n{args.pages} pages, {CLIENTS} clients, {args.seconds:.0f} s a scenario, "
          f"median of {args.rounds} rounds; baseline {args.baseline}")
    header = f"{'scenario':<10} {'kind':<7} {'side':<9} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8}"
    print(header)
    print("-" * len(header))
    for scenario, kinds in (("mixed", ("static", "search")), ("searches", ("search",)),
                            ("static", ("static",))):
        for kind in kinds:
            for side in sides:
                rounds = results[side.name]
                print(f"{scenario:<10} {kind:<7} {side.name:<9} "
                      f"{median_round(rounds, scenario, kind, 'rps'):>8.1f} "
                      f"{median_round(rounds, scenario, kind, 'p50_ms'):>8.1f} "
                      f"{median_round(rounds, scenario, kind, 'p95_ms'):>8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
