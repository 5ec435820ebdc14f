"""One benchmark run: every size, every step, results as a dictionary (then JSON)."""

from __future__ import annotations

import json
import os
import platform
import shutil
import sqlite3
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

import builds
import corpus_builds
import http_bench
import inprocess
import report
from corpora import CORPUS_NAMES
from fts5_peer import Fts5Peer, build_fts5, fts5_available
from machine import CpuMeter, wait_for_quiet
from queries import BenchQuery, describe, distinct_queries, query_mix
from server import start_server
from synth import CACHE_ROOT, ensure_guide, load_meta


@dataclass
class Options:
    sizes: list[int]
    rounds: int = 3
    queries: int = 200
    update_runs: int = 5
    latency_budget: float = 120.0  # seconds for the HTTP latency pass
    query_budget: float = 300.0  # seconds after which no further in-process round starts
    load_seconds: float = 5.0
    load_clients: int = 4
    warmup_queries: int = 40
    wait_quiet: float = 120.0  # at most this long before each step for other processes to calm
    profile: bool = False
    keep: bool = False
    json_path: Path = Path("bench/results/latest.json")
    # Full builds of the shipped guide, synthetic guide and realistic corpora.
    corpora: tuple[str, ...] = CORPUS_NAMES
    baseline: str | None = None  # a commit whose code is built too, in turns
    build_rounds: int = 1


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def step(results: dict, name: str, work: Callable[[], Any], wait_quiet: float = 0.0) -> Any:
    """Run one measurement; a failure is recorded with its reason and the run goes on.
    First waits (up to `wait_quiet` s) for other processes to leave the CPU; records in
    results["machine"] how much of the CPU they used during the step."""
    quiet = wait_for_quiet(wait_quiet) if wait_quiet > 0 else None
    if quiet and not quiet["quiet"]:
        log(f"  other processes still use {quiet['others_share']:.0%} of the CPU; going on")
    log(f"  {name} ...")
    started = time.perf_counter()
    meter = CpuMeter()
    try:
        value = work()
    except Exception as error:  # a broken step must not lose the other measurements
        traceback.print_exc(file=sys.stderr)
        value = {"error": f"{type(error).__name__}: {error}"[:500]}
    results[name] = value
    results.setdefault("machine", {})[name] = {"others_share": meter.others(), "quiet": quiet}
    log(f"  {name} done in {time.perf_counter() - started:.1f}s"
        f" (other processes: {results['machine'][name]['others_share']:.0%} of the CPU)")
    return value


def environment() -> dict:
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "whoosh": version("whoosh"),
        "starlette": version("starlette"),
        "uvicorn": version("uvicorn"),
        "sqlite": sqlite3.sqlite_version,
    }


def fts5_step(content: Path, work_dir: Path) -> dict:
    if not fts5_available():
        return {"error": "SQLite here has no FTS5; the peer is skipped"}
    return build_fts5(content, work_dir / "fts5.sqlite")


def query_step(content: Path, index: Path, work_dir: Path, queries: list[BenchQuery],
               options: Options, fts5_ok: bool) -> dict:
    whoosh = inprocess.WhooshEngine.open(content, index)
    engines: dict[str, inprocess.Engine] = {"whoosh": whoosh}
    peer = Fts5Peer(work_dir / "fts5.sqlite") if fts5_ok else None
    if peer is not None:
        engines["fts5"] = lambda query: peer.search(query).total
    try:
        out = inprocess.time_queries(engines, queries, options.rounds, options.query_budget)
        if options.profile:
            out["profile"] = inprocess.profile_engine(whoosh, queries)
        return out
    finally:
        whoosh.close()
        if peer is not None:
            peer.close()


def load_step(base_url: str, cold: list[BenchQuery], repeated: list[str],
              options: Options) -> dict:
    """Requests/s for the floor, for queries never asked before, and for ten asked often
    (`repeated`: addresses that answered 200 before, so a failing search is not among them)."""
    runs = {
        "floor": http_bench.cycling([http_bench.FLOOR]),
        "cold": http_bench.cycling([q.path() for q in cold]),
        "repeated": http_bench.cycling(repeated[:10] or [http_bench.FLOOR]),
    }
    out = {}
    for name, next_path in runs.items():
        out[name] = http_bench.load(base_url, next_path, options.load_clients,
                                    options.load_seconds)
    out["cold"]["pool"] = len(cold)
    out["cold"]["pool_exhausted"] = out["cold"]["requests"] > len(cold)
    return out


def server_step(content: Path, index: Path, work_dir: Path, workers: int,
                queries: list[BenchQuery], warmup: list[BenchQuery], cold_pool: list[BenchQuery],
                options: Options, shared: dict) -> dict:
    """One uvicorn server: warm-up, memory, the latency pass (into `shared`, on the first
    server only), the loads."""
    server = start_server(content, index, work_dir / f"uvicorn-{workers}.log", workers=workers)
    try:
        out: dict = {"start_seconds": server.start_seconds, "port": server.port}
        out["warmup_ok"] = http_bench.warm_up(server.base_url, warmup)
        out["memory"] = server.memory()
        if "latency" not in shared:
            samples = http_bench.latency_pass(server.base_url, queries, options.latency_budget)
            shared["latency"] = http_bench.latency_summary(samples)
        out["load"] = load_step(server.base_url, cold_pool, shared["latency"]["ok_paths"],
                                options)
        out["memory_end"] = server.memory()
        return out
    finally:
        server.stop()


def http_step(content: Path, index: Path, work_dir: Path, meta: dict,
              queries: list[BenchQuery], options: Options) -> dict:
    warmup = distinct_queries(meta, options.warmup_queries, "bench-warmup-v1", set(queries))
    used = set(queries) | set(warmup)
    out: dict = {"workers": {}}
    for workers in (1, 2):
        pool = distinct_queries(meta, 4000, f"bench-load-v1-{workers}", used)
        out["workers"][str(workers)] = server_step(content, index, work_dir, workers, queries,
                                                   warmup, pool, options, out)
    return out


def bench_size(size: int, options: Options, run_dir: Path) -> dict:
    """Every measurement for one guide size, in a work folder removed afterwards."""
    log(f"{size} pages")
    guide = ensure_guide(size, log=log)
    meta = load_meta(guide)
    work_dir = run_dir / f"size-{size}"
    content, index, cli_index = work_dir / "content", work_dir / "index", work_dir / "index-cli"
    work_dir.mkdir(parents=True, exist_ok=True)
    builds.link_tree(guide, content)
    queries = query_mix(meta, options.queries)
    results: dict = {"guide": str(guide), "query_kinds": describe(queries)}
    timeout = 120 + size / 50
    wait = options.wait_quiet
    step(results, "build", lambda: builds.build_in_process(content, index), wait)
    step(results, "build_cli", lambda: builds.build_command(content, cli_index, timeout), wait)
    page = sorted((content / "treating-lupus").glob("*.html"))[0]
    step(results, "update", lambda: builds.update_runs(content, cli_index, page,
                                                       options.update_runs, 120), wait)
    os.replace(_relinked(guide / page.relative_to(content), page), page)  # the page as it was
    shutil.rmtree(cli_index, ignore_errors=True)
    fts5 = step(results, "fts5_build", lambda: fts5_step(content, work_dir), wait)
    fts5_ok = "error" not in fts5
    step(results, "query", lambda: query_step(content, index, work_dir, queries, options,
                                              fts5_ok), wait)
    step(results, "http", lambda: http_step(content, index, work_dir, meta, queries, options),
         wait)
    if not options.keep:
        shutil.rmtree(work_dir, ignore_errors=True)
    return results


def _relinked(original: Path, page: Path) -> Path:
    """A fresh link (or copy) of the cached page next to the edited one."""
    fresh = page.with_name(f".{page.name}.orig")
    fresh.unlink(missing_ok=True)
    try:
        os.link(original, fresh)
    except OSError:
        shutil.copy2(original, fresh)
    return fresh


def write_json(results: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(results, indent=1, default=str), "utf-8")
    os.replace(temporary, path)


def run_corpus_builds(results: dict, options: Options, run_dir: Path) -> None:
    """The full-build table of every corpus; written to the JSON at once."""
    run_dir.mkdir(parents=True, exist_ok=True)
    step(results, "corpus_builds", lambda: corpus_builds.corpus_builds(
        options.corpora, run_dir, options.build_rounds, options.baseline, log=log),
        options.wait_quiet)
    write_json(results, options.json_path)


def run_suite(options: Options) -> dict:
    """Every size in turn; the JSON is rewritten after each so a stopped run keeps its data."""
    run_dir = CACHE_ROOT / f"run-{os.getpid()}"
    settings = {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(options).items()}
    results: dict = {"environment": environment(), "settings": settings, "sizes": {}}
    step(results, "cli_startup", lambda: builds.startup_floor())
    try:
        if options.corpora:
            run_corpus_builds(results, options, run_dir)
        for size in options.sizes:
            results["sizes"][str(size)] = bench_size(size, options, run_dir)
            write_json(results, options.json_path)
            if size != options.sizes[-1]:
                print(f"\n{report.render(results)}\n", file=sys.stderr, flush=True)
    finally:
        if not options.keep:
            shutil.rmtree(run_dir, ignore_errors=True)
    return results
