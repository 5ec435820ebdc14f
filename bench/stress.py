"""Stress the guide: searches under reindexing, SIGKILLed writers and two writers at once.

    python bench/stress.py [--seconds 60] [--kills 20] [--clients 3] [--seed 1]

Copies content/ and builds an index in a temporary folder, starts the real server on
127.0.0.1 and keeps searching it over HTTP from several threads while the main thread
1. rebuilds and updates the index again and again (after appending a paragraph to a page,
   adding a page or removing it), checking after each that the site serves every page;
2. SIGKILLs `lupus-guide build` / `update` at random moments (seeded), checking after each
   kill that the live index is intact and that the next build succeeds;
3. starts two writers at once (one must win; the other waits or is refused with the clear
   "is being written by" message), and one against a lock held in this process.
Prints its counts; exits 1 when a search failed, came back empty or wrong, or a page was
lost, or the index was ever found broken. The test suite runs a 15-second version with a
driver of its own (tests/stress/test_reindex_under_load.py); nothing there imports this.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from whoosh import query as wq

from indexer import generations, schema

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
HOST = "127.0.0.1"  # loopback only
COMMAND_TIMEOUT = 120.0  # seconds any one lupus-guide command may take
SERVER_START_TIMEOUT = 30.0
REQUEST_TIMEOUT = 15.0
READY_TIMEOUT = 30.0  # for the server to put a new generation live
LOCKED_MESSAGE = "is being written by"
MAX_PROBLEMS_KEPT = 50
POLL_SECONDS = 0.002  # how often a kill waits for the writer's .build-* folder

# Queries whose best page is known (checked against the shipped guide).
KNOWN_QUERIES: dict[str, str] = {
    "headache after infusion": "/other-drugs/ivig",
    "plaquenil eye test": "/treating-lupus/hydroxychloroquine",
    "ana test": "/diagnosing-lupus/ana-test",
    "hair loss": "/lupus-symptoms/hair-loss",
    "prednisone weight gain": "/treating-lupus/corticosteroids",
    "raynauds cold fingers": "/lupus-symptoms/raynauds-phenomenon",
    "kidney biopsy": "/diagnosing-lupus/urine-tests-and-kidney-biopsy",
    "benlysta": "/treating-lupus/belimumab",
    "cellcept": "/treating-lupus/mycophenolate",
    "blood thinner": "/other-drugs/anticoagulants",
}

EDITED_PAGE = "living-with-lupus/travel.html"
EXTRA_PAGE = "living-with-lupus/zz-stress-extra.html"
EXTRA_PAGE_HTML = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Stress Extra Page</title>
<meta name="description" content="A page that exists only during the stress run.">
</head>
<body>
<article>
<h1>Stress Extra Page</h1>
<p>This page exists only while the stress run checks that added and removed pages reach the
index. Its words are zqxextra alpha bravo charlie delta echo foxtrot golf hotel india juliet
kilo lima mike november oscar papa.</p>
</article>
</body>
</html>
"""
FIRST_RESULT = re.compile(r'<li class="result">\s*<h[23] class="result-title"><a href="([^"?#]*)')


@dataclass
class Counts:
    """What happened, counted from several threads."""

    requests: int = 0
    errors: int = 0
    empty: int = 0
    wrong: int = 0
    builds: int = 0
    updates: int = 0
    commands_failed: int = 0  # a build or update that should have succeeded did not
    kill_attempts: int = 0
    builds_killed: int = 0
    killed_mid_write: int = 0  # a half-written .build-* folder was left behind
    finished_before_kill: int = 0
    recovered: int = 0
    lost_pages: int = 0
    page_count_checks: int = 0
    index_checks: int = 0
    index_broken: int = 0
    writer_pairs: int = 0
    writers_waited: int = 0  # both of a pair succeeded (the second waited for the lock)
    writers_refused: int = 0  # the second of a pair was refused with the clear message
    writer_failures: int = 0  # a pair's outcome was neither of those
    problems: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, name: str, amount: int = 1) -> None:
        with self._lock:
            setattr(self, name, getattr(self, name) + amount)

    def problem(self, text: str) -> None:
        with self._lock:
            if len(self.problems) < MAX_PROBLEMS_KEPT:
                self.problems.append(text)

    @property
    def failed(self) -> bool:
        return any((self.errors, self.empty, self.wrong, self.lost_pages, self.index_broken,
                    self.commands_failed, self.writer_failures))

    def summary(self) -> str:
        rows = [
            ("requests", self.requests),
            ("errors", self.errors),
            ("empty", self.empty),
            ("wrong", self.wrong),
            ("builds", self.builds),
            ("updates", self.updates),
            ("commands failed", self.commands_failed),
            ("builds killed", self.builds_killed),
            ("  while writing", self.killed_mid_write),
            ("finished before kill", self.finished_before_kill),
            ("recovered", self.recovered),
            ("lost pages", self.lost_pages),
            ("page count checks", self.page_count_checks),
            ("index checks", self.index_checks),
            ("index broken", self.index_broken),
            ("writer pairs", self.writer_pairs),
            ("  second waited", self.writers_waited),
            ("  second refused", self.writers_refused),
            ("  bad outcome", self.writer_failures),
        ]
        lines = [f"{label:<22}{value}" for label, value in rows]
        if self.problems:
            lines.append("problems:")
            lines.extend(f"  {p}" for p in self.problems)
        return "\n".join(lines)


@dataclass
class StressConfig:
    seconds: float = 60.0  # at most this long rebuilding and updating under load
    rounds: int | None = None  # at most this many builds + updates (None: until `seconds`)
    kills: int = 20
    writer_pairs: int = 3
    clients: int = 3
    seed: int = 1
    log: bool = True  # print progress lines


# -- commands -------------------------------------------------------------------------------


def cli_command() -> list[str]:
    """The `lupus-guide` command of this interpreter's environment."""
    script = Path(sys.executable).parent / "lupus-guide"
    return [str(script)] if script.exists() else [sys.executable, "-m", "indexer.cli"]


def command_env(lock_timeout: float | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LUPUS_GUIDE_")}
    if lock_timeout is not None:
        env["LUPUS_GUIDE_LOCK_TIMEOUT"] = str(lock_timeout)
    return env


def start_command(verb: str, content: Path, index: Path, *,
                  lock_timeout: float | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*cli_command(), verb, "--content", str(content), "--index", str(index)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=command_env(lock_timeout), cwd=str(content.parent),
    )


def finish(process: subprocess.Popen[str], timeout: float = COMMAND_TIMEOUT
           ) -> tuple[int, str, str]:
    """Wait for a command (killing it when it takes absurdly long): code, stdout, stderr."""
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
        return -9, out, err + f"\n(stress: killed after {timeout:.0f} s)"
    return process.returncode, out, err


def run_command(verb: str, content: Path, index: Path, *,
                lock_timeout: float | None = None) -> tuple[int, str, str]:
    return finish(start_command(verb, content, index, lock_timeout=lock_timeout))


# -- content ---------------------------------------------------------------------------------


def copy_content(target: Path) -> Path:
    shutil.copytree(CONTENT, target)
    return target


def pages_on_disk(content: Path) -> set[str]:
    """Relative paths of the page files (every one of them parses in the shipped guide)."""
    return {p.relative_to(content).as_posix() for p in content.rglob("*.html")}


def append_paragraph(content: Path, number: int) -> str:
    """Add a paragraph at the end of a page's article (words no known query uses)."""
    path = content / EDITED_PAGE
    html = path.read_text("utf-8")
    paragraph = f"<p>Editor note {number}: zqxstress{number} marker paragraph.</p>\n"
    path.write_text(html.replace("</article>", paragraph + "</article>", 1), "utf-8")
    return f"appended a paragraph to {EDITED_PAGE}"


def add_extra_page(content: Path) -> str:
    (content / EXTRA_PAGE).write_text(EXTRA_PAGE_HTML, "utf-8")
    return f"added {EXTRA_PAGE}"


def remove_extra_page(content: Path) -> str:
    (content / EXTRA_PAGE).unlink(missing_ok=True)
    return f"removed {EXTRA_PAGE}"


def mutate(content: Path, step: int) -> str:
    """Round `step`'s edit: append a paragraph, add a page, remove it, and again."""
    kind = step % 3
    if kind == 0:
        return append_paragraph(content, step)
    if kind == 1:
        return add_extra_page(content)
    return remove_extra_page(content)


# -- the live index, opened in this process ---------------------------------------------------


def index_problems(index: Path, expected_paths: set[str]) -> list[str]:
    """What is wrong with the live generation: missing, unreadable, pages lost or extra,
    or not searchable. An empty list means it is intact."""
    live = generations.live_generation(index)
    if live is None:
        pointer = index / generations.POINTER
        text = pointer.read_text("utf-8").strip() if pointer.exists() else "(no CURRENT)"
        return [f"no live generation (CURRENT says {text!r})"]
    found: list[str] = []
    try:
        manifest = live.manifest()
        ix = generations.open_generation(live)
    except Exception as error:
        return [f"{live.name} cannot be opened: {error!r}"]
    try:
        with ix.searcher() as searcher:
            stored = {fields.get(schema.PATH, "") for fields in searcher.all_stored_fields()}
            if searcher.doc_count() != len(expected_paths):
                found.append(f"{live.name} has {searcher.doc_count()} documents,"
                             f" {len(expected_paths)} pages on disk")
            lost, extra = expected_paths - stored, stored - expected_paths
            if lost:
                found.append(f"{live.name} lost {sorted(lost)}")
            if extra:
                found.append(f"{live.name} has pages not on disk: {sorted(extra)}")
            if set(manifest.get("pages", {})) != stored:
                found.append(f"{live.name}: manifest and index disagree")
            tokens = [t.text for t in ix.schema[schema.BODY].analyzer("hydroxychloroquine")]
            if not tokens or not searcher.search(wq.Term(schema.BODY, tokens[0]), limit=1):
                found.append(f"{live.name}: searching for 'hydroxychloroquine' finds nothing")
    except Exception as error:
        found.append(f"{live.name} cannot be searched: {error!r}")
    finally:
        ix.close()
    return found


def leftover_builds(index: Path) -> list[str]:
    return sorted(p.name for p in index.glob(generations.BUILD_PREFIX + "*"))


def check_index(counts: Counts, index: Path, content: Path, when: str) -> bool:
    counts.add("index_checks")
    expected = pages_on_disk(content)
    problems = index_problems(index, expected)
    for problem in problems:
        counts.problem(f"{when}: {problem}")
    if problems:
        counts.add("index_broken")
        lost = len(expected - _stored_paths(index))
        counts.add("lost_pages", lost)
    return not problems


def _stored_paths(index: Path) -> set[str]:
    live = generations.live_generation(index)
    if live is None:
        return set()
    try:
        return set(live.manifest().get("pages", {}))
    except (OSError, ValueError):
        return set()


# -- the server and the clients -------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


@contextmanager
def running_server(content: Path, index: Path, log_path: Path) -> Iterator[str]:
    """`lupus-guide serve` on a free loopback port; yields its base URL, stops it by PID."""
    port = free_port()
    base_url = f"http://{HOST}:{port}"
    with open(log_path, "w", encoding="utf-8") as log:
        process = subprocess.Popen(
            [*cli_command(), "serve", "--content", str(content), "--index", str(index),
             "--host", HOST, "--port", str(port)],
            stdout=log, stderr=subprocess.STDOUT, env=command_env(), cwd=str(content.parent),
        )
    try:
        wait_until_healthy(base_url, process, log_path)
        yield base_url
    finally:
        stop_process(process)


def wait_until_healthy(base_url: str, process: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}:\n"
                               + log_path.read_text("utf-8", "replace")[-2000:])
        try:
            if httpx.get(base_url + "/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the server did not answer /healthz within {SERVER_START_TIMEOUT} s")


def stop_process(process: subprocess.Popen) -> None:
    """SIGTERM by PID, then SIGKILL if it does not stop within 10 s."""
    if process.poll() is None:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def check_search(client: httpx.Client, html: bool, query: str, expected: str,
                 bust: str | None = None) -> tuple[str, str]:
    """One search over HTTP: ("ok" | "error" | "empty" | "wrong", detail). With `bust`, an
    extra parameter the search ignores makes the URL new, so the response cache cannot
    answer and the search really runs."""
    path = "/search" if html else "/api/search"
    params = {"q": query} if bust is None else {"q": query, "nocache": bust}
    try:
        response = client.get(path, params=params)
    except httpx.HTTPError as error:
        return "error", f"{path}?q={query}: {error!r}"
    if response.status_code != 200:
        return "error", f"{path}?q={query}: HTTP {response.status_code}"
    if html:
        if 'class="no-results"' in response.text:
            return "empty", f"{path}?q={query}: no results"
        match = FIRST_RESULT.search(response.text)
        if match is None:
            return "empty", f"{path}?q={query}: no result in the page"
        first = match.group(1)
    else:
        try:
            data = response.json()
        except ValueError:
            return "error", f"{path}?q={query}: not JSON"
        if not data.get("total") or not data.get("results"):
            return "empty", f"{path}?q={query}: total {data.get('total')}"
        first = data["results"][0]["url"]
    if first != expected:
        return "wrong", f"{path}?q={query}: first {first}, expected {expected}"
    return "ok", ""


class SearchLoad:
    """Client threads that search the server continuously until stopped."""

    def __init__(self, base_url: str, counts: Counts, clients: int, seed: int) -> None:
        self.base_url = base_url
        self.counts = counts
        self.stop_event = threading.Event()
        self.threads = [
            threading.Thread(target=self._run, args=(seed + n,), name=f"search-{n}", daemon=True)
            for n in range(clients)
        ]

    def _run(self, seed: int) -> None:
        rng = random.Random(seed)
        queries = list(KNOWN_QUERIES.items())
        with httpx.Client(base_url=self.base_url, timeout=REQUEST_TIMEOUT) as client:
            while not self.stop_event.is_set():
                query, expected = rng.choice(queries)
                bust = f"{seed}-{rng.random()}" if rng.random() < 0.75 else None
                outcome, detail = check_search(client, rng.random() < 0.5, query, expected, bust)
                self.counts.add("requests")
                if outcome != "ok":
                    self.counts.add({"error": "errors"}.get(outcome, outcome))
                    self.counts.problem(detail)

    def __enter__(self) -> SearchLoad:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop_event.set()
        for thread in self.threads:
            thread.join(timeout=REQUEST_TIMEOUT + 5)


def served_status(base_url: str, index: Path) -> httpx.Response:
    """/api/status once the server serves the live generation on disk: a new generation
    goes live after the server has made it ready in the background (bounded wait)."""
    live = generations.live_generation(index)
    deadline = time.monotonic() + READY_TIMEOUT
    while True:
        response = httpx.get(base_url + "/api/status", timeout=REQUEST_TIMEOUT)
        if (response.status_code != 200 or live is None or time.monotonic() > deadline
                or response.json().get("generation") == live.number):
            return response
        time.sleep(0.05)


def check_served_pages(counts: Counts, base_url: str, content: Path, index: Path,
                       when: str) -> None:
    """The server's page count (/api/status) equals the pages on disk."""
    counts.add("page_count_checks")
    expected = len(pages_on_disk(content))
    try:
        response = served_status(base_url, index)
        served = response.json()["pages"] if response.status_code == 200 else None
    except (httpx.HTTPError, ValueError, KeyError) as error:
        counts.add("errors")
        counts.problem(f"{when}: /api/status failed: {error!r}")
        return
    if served is None:
        counts.add("errors")
        counts.problem(f"{when}: /api/status answered {response.status_code}")
        return
    if served != expected:
        counts.add("lost_pages", max(0, expected - served))
        counts.problem(f"{when}: the site serves {served} pages, {expected} on disk")


# -- the three phases -----------------------------------------------------------------------


def reindex_under_load(config: StressConfig, counts: Counts, content: Path, index: Path,
                       base_url: str) -> None:
    """Edit, then build or update, again and again; after each, no page may be missing."""
    deadline = time.monotonic() + config.seconds
    step = 0
    while time.monotonic() < deadline and (config.rounds is None or step < config.rounds):
        what = mutate(content, step)
        verb = "update" if step % 2 == 0 else "build"
        code, out, err = run_command(verb, content, index)
        counts.add("updates" if verb == "update" else "builds")
        when = f"round {step} ({what}, {verb})"
        if code != 0:
            counts.add("commands_failed")
            counts.problem(f"{when}: exit {code}: {err.strip()[-300:]}")
        check_served_pages(counts, base_url, content, index, when)
        check_index(counts, index, content, when)
        _log(config, f"{when}: {out.strip().splitlines()[-1] if out.strip() else err.strip()}")
        step += 1


def wait_for_build_dir(process: subprocess.Popen, index: Path, timeout: float) -> float | None:
    """Seconds until the writer has made its .build-* folder (it holds the lock and is
    writing); None when it exited first."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if leftover_builds(index):
            return time.monotonic() - started
        if process.poll() is not None:
            return None
        time.sleep(POLL_SECONDS)
    return None


def timed_build(counts: Counts, content: Path, index: Path) -> tuple[float, float]:
    """A build, timed: its whole duration and how long it spent writing its folder."""
    started = time.monotonic()
    process = start_command("build", content, index)
    writing_from = wait_for_build_dir(process, index, COMMAND_TIMEOUT)
    code, _, err = finish(process)
    duration = time.monotonic() - started
    counts.add("builds")
    if code != 0:
        counts.add("commands_failed")
        counts.problem(f"timed build: exit {code}: {err.strip()[-300:]}")
    return duration, duration - writing_from if writing_from is not None else duration / 2


def kill_delay(rng: random.Random, longest: float) -> float:
    """From a few ms to the build's whole duration: a quarter of the kills spread on a log
    scale over the first 300 ms (start-up, taking the lock), the rest evenly over it all."""
    longest = max(0.01, longest)
    if rng.random() < 0.25:
        return math.exp(rng.uniform(math.log(0.003), math.log(min(0.3, longest))))
    return rng.uniform(0.003, longest)


def kill_after(process: subprocess.Popen, delay: float) -> bool:
    """SIGKILL the process (by its PID) after `delay` seconds; False if it finished first."""
    try:
        process.wait(timeout=delay)
        return False
    except subprocess.TimeoutExpired:
        os.kill(process.pid, signal.SIGKILL)
        return True


def kill_writers(config: StressConfig, counts: Counts, content: Path, index: Path,
                 base_url: str | None) -> None:
    """SIGKILL builds (every fourth, an update after an edit) at random moments: even
    attempts counted from the start of the command, odd ones from the moment it starts
    writing its new generation (start-up alone takes most of a short build)."""
    rng = random.Random(config.seed)
    duration, writing = timed_build(counts, content, index)
    for attempt in range(config.kills):
        verb = "update" if attempt % 4 == 3 else "build"
        if verb == "update":
            append_paragraph(content, 10_000 + attempt)
        process = start_command(verb, content, index)
        counts.add("kill_attempts")
        if attempt % 2 == 0:
            delay = kill_delay(rng, duration * 1.1)
            moment = f"{delay * 1000:.0f} ms after its start"
            killed = kill_after(process, delay)
        else:
            # An update writes one page where a build writes them all.
            delay = rng.uniform(0.0, writing if verb == "build" else writing / 4)
            moment = f"{delay * 1000:.0f} ms into writing"
            killed = (wait_for_build_dir(process, index, COMMAND_TIMEOUT) is not None
                      and kill_after(process, delay))
        counts.add("builds_killed" if killed else "finished_before_kill")
        code, _, err = finish(process)
        when = f"kill {attempt} ({verb}, {moment}, exit {code})"
        if code not in (0, -signal.SIGKILL):
            counts.add("commands_failed")
            counts.problem(f"{when}: {err.strip()[-300:]}")
        if code == -signal.SIGKILL and leftover_builds(index):
            counts.add("killed_mid_write")
        intact = check_index(counts, index, content, f"{when}, before the next build")
        if base_url is not None:
            check_served_pages(counts, base_url, content, index, when)
        code, _, err = run_command("build", content, index)
        counts.add("builds")
        if code != 0:
            counts.add("commands_failed")
            counts.problem(f"{when}: the next build failed with {code}: {err.strip()[-300:]}")
            continue
        leftovers = leftover_builds(index)
        if leftovers:
            counts.problem(f"{when}: the next build left {leftovers}")
        intact = check_index(counts, index, content, f"{when}, after the next build") and intact
        if intact and not leftovers:
            counts.add("recovered")
        _log(config, f"{when}: {'recovered' if intact and not leftovers else 'NOT recovered'}")


def pair_outcome(results: list[tuple[int, str, str]]) -> tuple[str, str]:
    """("waited" | "refused" | "bad", detail) for two writers started together."""
    codes = [code for code, _, _ in results]
    refused = [code == 1 and LOCKED_MESSAGE in err for code, _, err in results]
    if codes == [0, 0]:
        return "waited", ""
    if sorted(codes) == [0, 1] and any(refused):
        return "refused", ""
    details = "; ".join(f"exit {code}: {err.strip()[-200:]}" for code, _, err in results)
    return "bad", details


def concurrent_writers(config: StressConfig, counts: Counts, content: Path, index: Path,
                       base_url: str | None) -> None:
    """Two builds launched at once, with the default lock wait and with none; then one
    against a lock held here, which must be refused with the clear message."""
    for pair in range(config.writer_pairs):
        lock_timeout = None if pair % 2 == 0 else 0.0
        processes = [start_command("build", content, index, lock_timeout=lock_timeout)
                     for _ in range(2)]
        results = [finish(p) for p in processes]
        counts.add("writer_pairs")
        counts.add("builds", 2)
        outcome, detail = pair_outcome(results)
        when = f"writer pair {pair} (lock wait {lock_timeout if lock_timeout is not None else 5})"
        if outcome == "bad":
            counts.add("writer_failures")
            counts.problem(f"{when}: {detail}")
        else:
            counts.add("writers_waited" if outcome == "waited" else "writers_refused")
        check_index(counts, index, content, when)
        if base_url is not None:
            check_served_pages(counts, base_url, content, index, when)
        _log(config, f"{when}: {outcome}")
    with generations.writer_lock(index, timeout=10):
        code, _, err = run_command("build", content, index, lock_timeout=0.3)
    counts.add("builds")
    if code == 1 and LOCKED_MESSAGE in err:
        counts.add("writers_refused")
    else:
        counts.add("writer_failures")
        counts.problem(f"build against a held lock: exit {code}: {err.strip()[-300:]}")
    check_index(counts, index, content, "after the build against a held lock")
    _log(config, f"build against a held lock: exit {code}: {err.strip()[-160:]}")


def run(config: StressConfig, workdir: Path) -> Counts:
    """The whole stress run in `workdir` (which must be empty or absent)."""
    counts = Counts()
    workdir.mkdir(parents=True, exist_ok=True)
    content = copy_content(workdir / "content")
    index = workdir / "index"
    code, _, err = run_command("build", content, index)
    if code != 0:
        raise RuntimeError(f"the first build failed: {err}")
    with running_server(content, index, workdir / "server.log") as base_url:
        _log(config, f"server at {base_url}")
        with SearchLoad(base_url, counts, config.clients, config.seed):
            phases = (("reindex under load", reindex_under_load),
                      ("killed writers", kill_writers),
                      ("concurrent writers", concurrent_writers))
            for label, phase in phases:
                started = time.monotonic()
                phase(config, counts, content, index, base_url)
                _log(config, f"{label}: {time.monotonic() - started:.1f} s")
            time.sleep(0.5)  # a last moment of searching on the final generation
        check_served_pages(counts, base_url, content, index, "at the end")
    check_index(counts, index, content, "at the end")
    return counts


def _log(config: StressConfig, text: str) -> None:
    if config.log:
        print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0,
                        help="how long to rebuild and update under load")
    parser.add_argument("--kills", type=int, default=20, help="writers to SIGKILL")
    parser.add_argument("--pairs", type=int, default=3, help="pairs of writers started at once")
    parser.add_argument("--clients", type=int, default=3, help="searching threads")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--quiet", action="store_true", help="print only the counts")
    args = parser.parse_args()
    config = StressConfig(seconds=args.seconds, kills=args.kills, writer_pairs=args.pairs,
                          clients=args.clients, seed=args.seed, log=not args.quiet)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="lupus-stress-") as tmp:
        counts = run(config, Path(tmp) / "run")
    print(counts.summary())
    print(f"{'seconds':<22}{time.monotonic() - started:.1f}")
    return 1 if counts.failed else 0


if __name__ == "__main__":
    sys.exit(main())
