"""Full builds (in-process and the `lupus-guide build` command) and one-page updates."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from stats import median_of

from indexer import generations
from indexer.build import build_index


def cli_command() -> list[str]:
    """`lupus-guide` next to this Python, else the module run by this Python."""
    script = Path(sys.executable).parent / "lupus-guide"
    return [str(script)] if script.exists() else [sys.executable, "-m", "indexer.cli"]


def link_tree(source: Path, target: Path) -> None:
    """A copy of a guide made of hard links (instant, and an edit never reaches the cache:
    pages are edited by replacing the file, never in place)."""
    shutil.rmtree(target, ignore_errors=True)
    try:
        shutil.copytree(source, target, copy_function=os.link)
    except OSError:
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(source, target)


def directory_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def live_index_bytes(index_dir: Path) -> int:
    generation = generations.live_generation(index_dir)
    return directory_bytes(generation.path) if generation else 0


def build_in_process(content_dir: Path, index_dir: Path) -> dict:
    """`indexer.build.build_index` into an empty index folder."""
    shutil.rmtree(index_dir, ignore_errors=True)
    started = time.perf_counter()
    report = build_index(content_dir, index_dir, lock_timeout=30)
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "pages": report.pages,
        "pages_per_s": report.pages / seconds if seconds else None,
        "seconds_parsing": report.seconds_parsing,
        "seconds_indexing": report.seconds_indexing,
        "errors": len(report.errors),
        "index_bytes": live_index_bytes(index_dir),
    }


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)


def run_command(command: list[str], timeout: float) -> dict:
    """Wall time, exit code, peak RSS (MiB, the largest of the command and the children it
    waited for) and the last lines of its output. Killed after `timeout` seconds."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               env={**os.environ, "PYTHONWARNINGS": "ignore"},
                               start_new_session=True)
    # On timeout: the command's own process group (it and its parsing pool), by its id.
    timer = threading.Timer(timeout, _kill_group, (process.pid,))
    timer.start()
    with process.stdout or open(os.devnull, "rb") as stream:
        output = stream.read()
    _, status, usage = os.wait4(process.pid, 0)
    timer.cancel()
    process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    text = output.decode("utf-8", "replace").strip()
    return {"seconds": seconds, "returncode": process.returncode,
            "peak_mib": usage.ru_maxrss / 1024, "output": text.splitlines()[-3:]}


def build_command(content_dir: Path, index_dir: Path, timeout: float) -> dict:
    """The whole `lupus-guide build` command into an empty index folder."""
    shutil.rmtree(index_dir, ignore_errors=True)
    result = run_command([*cli_command(), "build", "--content", str(content_dir),
                          "--index", str(index_dir)], timeout)
    summary = next((line for line in result["output"] if line.startswith("build:")), "")
    for name in ("parsing", "indexing"):
        found = re.search(rf"{name} ([\d.]+)s", summary)
        result[f"seconds_{name}"] = float(found.group(1)) if found else None
    result["index_bytes"] = live_index_bytes(index_dir)
    return result


def edit_page(path: Path, serial: int) -> None:
    """Change one word of the page's first paragraph, by writing a new file in its place."""
    text = path.read_text("utf-8")
    edited = text.replace("<p>", f"<p>Edited {serial} times. ", 1)
    temporary = path.with_name(f".{path.name}.edit")
    temporary.write_text(edited, "utf-8")
    os.replace(temporary, path)


def update_runs(content_dir: Path, index_dir: Path, page: Path, runs: int,
                timeout: float) -> dict:
    """`lupus-guide update` after editing one page, `runs` times; and once with no change."""
    command = [*cli_command(), "update", "--content", str(content_dir), "--index",
               str(index_dir)]
    edited: list[dict] = []
    for serial in range(1, runs + 1):
        edit_page(page, serial)
        edited.append(run_command(command, timeout))
    unchanged = run_command(command, timeout)
    failures = [r for r in [*edited, unchanged] if r["returncode"] != 0]
    return {
        "one_page_seconds": median_of([r["seconds"] for r in edited]),
        "one_page_runs": [r["seconds"] for r in edited],
        "one_page_peak_mib": median_of([r["peak_mib"] for r in edited]),
        "no_change_seconds": unchanged["seconds"],
        "failures": [r["output"] for r in failures],
    }


def startup_floor(timeout: float = 60) -> dict:
    """How long the `lupus-guide` command takes to start and print its help (no index work)."""
    return run_command([*cli_command(), "--help"], timeout)
