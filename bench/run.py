"""How fast the guide is at every size: builds, updates, queries, HTTP, memory, a peer engine.

    python bench/run.py                        # 1,000, 10,000 and 50,000 pages
    python bench/run.py --quick                # a smoke run on a few hundred pages
    python bench/run.py --sizes 10000 --profile
    python bench/run.py --huge                 # also 100,000 pages
    python bench/run.py --builds-only --corpus realistic   # only full builds of a corpus
    python bench/run.py --builds-only --corpus all --baseline f8e7e91 --build-rounds 3

Prints tables and writes every number to bench/results/latest.json (or --json PATH).
Measurement only: nothing here passes or fails on speed. See bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"


def use_project_python() -> None:
    """Re-run under the project's virtualenv when started with a Python that lacks Whoosh."""
    try:
        import whoosh  # noqa: F401
    except ImportError:
        if VENV_PYTHON.exists() and Path(sys.executable) != VENV_PYTHON:
            os.execv(VENV_PYTHON, [str(VENV_PYTHON), *sys.argv])
        sys.exit("Whoosh is not installed: run `make serve` (or use .venv/bin/python)")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,50000",
                        help="guide sizes in pages, comma-separated (default: %(default)s)")
    parser.add_argument("--huge", action="store_true", help="also 100,000 pages")
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run: 300 pages, one round, short loads")
    parser.add_argument("--rounds", type=int, default=3,
                        help="timed passes over the query mix (default: %(default)s)")
    parser.add_argument("--queries", type=int, default=200,
                        help="queries in the mix (default: %(default)s)")
    parser.add_argument("--load-seconds", type=float, default=5.0,
                        help="length of each requests/s run (default: %(default)s)")
    parser.add_argument("--clients", type=int, default=4,
                        help="concurrent clients in the requests/s runs (default: %(default)s)")
    parser.add_argument("--wait-quiet", type=float, default=120.0,
                        help="before each step, wait up to this many seconds for other "
                        "processes to leave the CPU (0: never wait; default: %(default)s)")
    parser.add_argument("--profile", action="store_true",
                        help="also profile search() with cProfile and print where time goes")
    parser.add_argument("--keep", action="store_true",
                        help="keep the work folders (indexes, FTS5 file, server logs)")
    parser.add_argument("--json", type=Path, default=BENCH_DIR / "results" / "latest.json",
                        help="where to write the results (default: bench/results/latest.json)")
    parser.add_argument("--builds-only", action="store_true",
                        help="only the full builds of the corpora (no sizes, queries, HTTP)")
    parser.add_argument("--corpus", default="all",
                        help="corpora to build: all, realistic, or names among shipped, "
                        "synthetic, realistic-mix, realistic-long (default: %(default)s)")
    parser.add_argument("--baseline", metavar="COMMIT",
                        help="also build with this commit's code, in turns with this one's")
    parser.add_argument("--build-rounds", type=int, default=1,
                        help="builds of each corpus with each code (default: %(default)s)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    use_project_python()
    from corpora import corpus_names
    from report import render, render_profile
    from suite import Options, run_suite

    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if args.huge and 100_000 not in sizes:
        sizes.append(100_000)
    options = Options(sizes=sizes, rounds=args.rounds, queries=args.queries,
                      load_seconds=args.load_seconds, load_clients=args.clients,
                      profile=args.profile, keep=args.keep, json_path=args.json,
                      wait_quiet=args.wait_quiet, corpora=corpus_names(args.corpus),
                      baseline=args.baseline, build_rounds=args.build_rounds)
    if args.quick:
        options.sizes = [300]
        options.rounds = 1
        options.update_runs = 2
        options.latency_budget = 30
        options.load_seconds = min(args.load_seconds, 1.5)
        options.wait_quiet = min(args.wait_quiet, 10)
    if args.builds_only:
        return builds_only(options)
    results = run_suite(options)
    print(render(results))
    for size, result in results["sizes"].items():
        profile = result.get("query", {}).get("profile")
        if profile:
            print("\n" + render_profile(size, profile))
    print(f"\nAll numbers: {options.json_path}")
    return 0


def builds_only(options) -> int:
    """Only the corpora's full builds: their table, and the JSON."""
    import shutil

    from report import render_corpus_builds
    from suite import environment, run_corpus_builds, write_json
    from synth import CACHE_ROOT

    results: dict = {"environment": environment(), "settings": {"builds_only": True}}
    run_dir = CACHE_ROOT / f"run-{os.getpid()}"
    try:
        run_corpus_builds(results, options, run_dir)
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)
    builds = results.get("corpus_builds") or {}
    if "error" in builds:
        print(f"the builds failed: {builds['error']}")
        return 1
    print(render_corpus_builds(builds))
    print(f"\nAll numbers: {options.json_path}")
    write_json(results, options.json_path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
