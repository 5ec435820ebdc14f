"""Full builds of each corpus (shipped guide, synthetic guide, realistic corpora), each in
a fresh process, `rounds` times; with a baseline (an older commit's code), the two codes
take turns on each corpus, so both see the same machine.

    python bench/run.py --builds-only --corpus all --baseline f8e7e91 --build-rounds 3
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from corpora import CorpusFolder, baseline_tree, code_env, corpus_folder
from machine import CpuMeter
from stats import median_of

BENCH_DIR = Path(__file__).resolve().parent
MB = 1_000_000


def build_in_fresh_process(folder: CorpusFolder, index: Path, code: Path | None,
                           timeout: float) -> dict:
    """One build by `bench/build_once.py`, with this checkout's code or `code`."""
    meter = CpuMeter()
    result = subprocess.run([sys.executable, str(BENCH_DIR / "build_once.py"), str(folder.path),
                             str(index)], capture_output=True, text=True, timeout=timeout,
                            env=code_env(code))
    if result.returncode != 0:
        return {"error": (result.stderr.strip().splitlines() or ["failed"])[-1][:300]}
    out = json.loads(result.stdout.strip().splitlines()[-1])
    out["others_share"] = meter.others()
    return out


def summarize(runs: list[dict], folder: CorpusFolder) -> dict:
    """Medians over the rounds (pages/s by wall time and by CPU time)."""
    ok = [r for r in runs if "error" not in r]
    if not ok:
        return {"error": runs[0]["error"] if runs else "no run"}
    seconds = median_of([r["seconds"] for r in ok])
    cpu = median_of([r["cpu_seconds"] for r in ok])
    pages = ok[0]["pages"]
    return {
        "rounds": len(ok),
        "pages": pages,
        "seconds": seconds,
        "pages_per_s": pages / seconds if seconds else None,
        "mb_per_s": folder.bytes / MB / seconds if seconds else None,
        "cpu_seconds": cpu,
        "cpu_ms_per_page": cpu / pages * 1000 if cpu and pages else None,
        "seconds_parsing": median_of([r["seconds_parsing"] for r in ok]),
        "seconds_indexing": median_of([r["seconds_indexing"] for r in ok]),
        "workers": ok[0]["workers"],
        "errors": ok[0]["errors"],
        "slowest": ok[-1].get("slowest") or [],
        "others_share": median_of([r["others_share"] for r in ok]),
        "runs": [{k: r[k] for k in ("seconds", "cpu_seconds", "others_share")} for r in ok],
    }


def corpus_builds(names: tuple[str, ...], work_dir: Path, rounds: int = 1,
                  baseline: str | None = None, log=print) -> dict:
    """{corpus: {"folder": ..., "current": summary, "baseline": summary}}."""
    tree = baseline_tree(baseline, log=log) if baseline else None
    out: dict = {"baseline": baseline, "rounds": rounds, "corpora": {}}
    for name in names:
        folder = corpus_folder(name, log=log)
        timeout = 300 + folder.bytes / 50_000
        runs: dict[str, list[dict]] = {"current": [], "baseline": []}
        for round_number in range(rounds):
            order = [("current", None)] + ([("baseline", tree)] if tree else [])
            if round_number % 2:
                order.reverse()  # neither code always goes first
            for label, code in order:
                started = time.perf_counter()
                run = build_in_fresh_process(folder, work_dir / f"index-{name}", code, timeout)
                runs[label].append(run)
                log(f"  {name} ({label}) round {round_number + 1}: "
                    f"{time.perf_counter() - started:.1f}s"
                    + (f" ERROR {run['error']}" if "error" in run else ""))
        entry = {"folder": str(folder.path), "pages": folder.pages, "bytes": folder.bytes,
                 "largest": folder.largest, "current": summarize(runs["current"], folder)}
        if tree:
            entry["baseline"] = summarize(runs["baseline"], folder)
        out["corpora"][name] = entry
    return out
