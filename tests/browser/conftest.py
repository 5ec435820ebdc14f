"""Browser tests: the real server (uvicorn in a subprocess) over the shipped guide, driven by
Debian's Chromium through pytest-playwright. Nothing is downloaded: `playwright install` is
never used."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import ConsoleMessage, Error, Page, expect

ROOT = Path(__file__).resolve().parents[2]
CONTENT = ROOT / "content"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
STARTUP_SECONDS = 20
STOP_SECONDS = 5

expect.set_options(timeout=5_000)


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: apt-get install -y chromium")
    return {
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
        ],
    }


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


@contextmanager
def serving(content: Path, index_dir: Path, log_dir: Path) -> Iterator[str]:
    """The real app (`guide_site.app:create_app`) under uvicorn, on a free 127.0.0.1 port,
    serving `content` from the built index in `index_dir`. Yields the base URL; the process
    is stopped by its PID on exit."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "LUPUS_GUIDE_CONTENT": str(content),
           "LUPUS_GUIDE_INDEX": str(index_dir)}
    log_path = log_dir / "uvicorn.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "guide_site.app:create_app", "--factory",
             "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not _healthy(f"{base}/healthz"):
            if process.poll() is not None:
                pytest.fail(f"the server exited with {process.returncode}:\n"
                            f"{log_path.read_text(errors='replace')}")
            if time.monotonic() > deadline:
                pytest.fail(f"the server did not answer /healthz within {STARTUP_SECONDS} s:\n"
                            f"{log_path.read_text(errors='replace')}")
            time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=STOP_SECONDS)


@pytest.fixture(scope="session")
def live_server(guide_index: Path, tmp_path_factory) -> Iterator[str]:
    """The shipped guide served from a freshly built temp index (`guide_index`,
    tests/conftest.py) by `serving`. Yields the base URL."""
    with serving(CONTENT, guide_index, tmp_path_factory.mktemp("server")) as base:
        yield base


@pytest.fixture(scope="session")
def base_url(live_server: str) -> str:
    """pytest-playwright opens every context with this base URL, so `page.goto("/drugs")`."""
    return live_server


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture(autouse=True)
def bounded_waits(page: Page) -> None:
    """Page loads and waits give up after 10 s (Playwright's default is 30 s)."""
    page.set_default_timeout(10_000)
    page.set_default_navigation_timeout(10_000)


@pytest.fixture(autouse=True)
def console_errors(page: Page) -> Iterator[list[str]]:
    """Every console error and uncaught exception on the test's page (CSP violations and
    failed requests are console errors too). Tests may assert on it; any left at the end fail
    the test."""
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(f"console: {message.text} ({message.location.get('url', '')})")

    def on_page_error(error: Error) -> None:
        errors.append(f"pageerror: {error.message}")

    page.on("console", on_console)
    page.on("pageerror", on_page_error)
    yield errors
    if errors:
        pytest.fail("errors in the browser console:\n" + "\n".join(errors))
