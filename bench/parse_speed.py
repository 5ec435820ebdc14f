"""How fast pages are parsed, alone (no analysis, no index): pages/s and MB/s of each
corpus with each reader, in one process.

    python bench/parse_speed.py                          # every corpus, both readers
    python bench/parse_speed.py --corpus realistic --rounds 5
    python bench/parse_speed.py --baseline f8e7e91       # also an older commit's code

The files are read and decoded first; each round parses every page once with each reader
(and the baseline's code, in a subprocess) in turn; the table shows the median round.
"""

from __future__ import annotations

import argparse
import contextlib
import inspect
import json
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

from run import use_project_python  # noqa: E402  (sets up the project's Python first)

MB = 1_000_000


def load_pages(folder: Path) -> list[tuple[str, str, int]]:
    """(relative path, decoded text, bytes) of every page that decodes."""
    from indexer.page import PageError, decode_html

    pages = []
    for path in sorted(folder.rglob("*.htm*")):
        data = path.read_bytes()
        try:
            text, _ = decode_html(data, path.name)
        except PageError:
            continue
        pages.append((path.relative_to(folder).as_posix(), text, len(data)))
    return pages


def readers() -> list[str]:
    """The readers this code has (an older checkout has only BeautifulSoup)."""
    from indexer.page import parse_html

    if "reader" not in inspect.signature(parse_html).parameters:
        return ["bs4"]
    from indexer.page import READERS

    return list(READERS)


def parse_round(pages: list[tuple[str, str, int]], reader: str) -> dict:
    """Parse every page once: wall and CPU seconds, the slowest page."""
    from indexer.page import PageError, parse_html

    options = {} if reader == "bs4" else {"reader": reader}
    when = datetime.now(UTC)
    slowest = (0.0, "", 0)
    started, cpu = time.perf_counter(), time.process_time()
    for relative, text, size in pages:
        tick = time.perf_counter()
        with contextlib.suppress(PageError):  # refused pages cost their time too
            parse_html(text, relative, modified=when, content_hash="x", **options)
        slowest = max(slowest, (time.perf_counter() - tick, relative, size))
    return {"seconds": time.perf_counter() - started, "cpu": time.process_time() - cpu,
            "slowest": list(slowest)}


def measure(folder: Path, rounds: int) -> dict:
    """Every reader of this code, `rounds` times: {reader: [round, ...]}."""
    import warnings

    warnings.simplefilter("ignore")  # the measured code's own warnings are not the point
    pages = load_pages(folder)
    out: dict = {"pages": len(pages), "bytes": sum(size for _, _, size in pages), "runs": {}}
    for _ in range(rounds):
        for reader in readers():
            out["runs"].setdefault(reader, []).append(parse_round(pages, reader))
    return out


def median_run(runs: list[dict], pages: int, size: int) -> dict:
    seconds = statistics.median(r["seconds"] for r in runs)
    cpu = statistics.median(r["cpu"] for r in runs)
    return {"pages_per_s": pages / seconds, "mb_per_s": size / MB / seconds,
            "cpu_ms_per_page": cpu / pages * 1000,
            "slowest": max((r["slowest"] for r in runs), key=lambda s: s[0])}


def measure_baseline(folder: Path, commit: str) -> dict:
    """One round of the baseline's code, in a subprocess that imports it."""
    from corpora import baseline_tree, code_env

    tree = baseline_tree(commit, log=lambda m: print(m, file=sys.stderr))
    result = subprocess.run([sys.executable, __file__, "--measure", str(folder)],
                            capture_output=True, text=True, env=code_env(tree), check=True)
    return json.loads(result.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default="all",
                        help="all, realistic, or names among shipped, synthetic, "
                        "realistic-mix, realistic-long (default: %(default)s)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--baseline", metavar="COMMIT",
                        help="also parse with this commit's code (BeautifulSoup only then)")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # one round, as JSON
    args = parser.parse_args()
    use_project_python()
    if args.measure:
        print(json.dumps(measure(args.measure, 1)))
        return 0
    from corpora import corpus_folder, corpus_names

    rows = []
    for name in corpus_names(args.corpus):
        folder = corpus_folder(name, log=lambda m: print(m, file=sys.stderr))
        runs: dict[str, list[dict]] = {}
        pages = size = 0
        for _ in range(args.rounds):  # the baseline takes its turn in every round
            if args.baseline:
                before = measure_baseline(folder.path, args.baseline)
                for reader, found in before["runs"].items():
                    runs.setdefault(f"{reader} ({args.baseline})", []).extend(found)
            now = measure(folder.path, 1)
            pages, size = now["pages"], now["bytes"]
            for reader, found in now["runs"].items():
                runs.setdefault(reader, []).extend(found)
        for reader, found in runs.items():
            row = median_run(found, pages, size)
            seconds, path, page_bytes = row["slowest"]
            rows.append((name, reader, pages, size / MB, row["pages_per_s"], row["mb_per_s"],
                         row["cpu_ms_per_page"], seconds, page_bytes / 1024, path))
        print(f"[{time.strftime('%H:%M:%S')}] {name} done", file=sys.stderr)
    print(f"Parsing alone, one process, median of {args.rounds} rounds")
    print(f"{'corpus':>15} {'reader':>16} {'pages':>6} {'MB':>6} {'pages/s':>8} {'MB/s':>6}"
          f" {'CPU ms/page':>11} {'slowest page':>14}")
    for name, reader, pages, mb, pps, mbps, cpu, slow, kb, path in rows:
        print(f"{name:>15} {reader:>16} {pages:>6} {mb:>6.1f} {pps:>8.1f} {mbps:>6.2f}"
              f" {cpu:>11.2f} {slow:>7.3f}s {kb:>4.0f} KB  {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
