"""Shared fixtures: a real index of the real guide in a temp dir, and the real app."""

from __future__ import annotations

import os
import shutil
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
from starlette.testclient import TestClient

from guide_site.app import create_app
from guide_site.settings import load_settings
from indexer import whoosh_fast
from indexer.build import build_index

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
STARTUP_SECONDS = 20
STOP_SECONDS = 5

# Tests of the fast paths themselves (they compare them with plain Whoosh) have nothing to
# test when LUPUS_GUIDE_WHOOSH_FAST=off or the Whoosh is not a proven one; the rest of the
# suite passes either way.
needs_fast_path = pytest.mark.skipif(
    not whoosh_fast.enabled(), reason="tests indexer.whoosh_fast, which is off here")


@contextmanager
def plain_whoosh_only() -> Iterator[None]:
    """Plain Whoosh meanwhile, as on a Whoosh the fast paths were not proven on (also in
    the build's worker processes and any command started meanwhile)."""
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("LUPUS_GUIDE_WHOOSH_FAST", "off")
            whoosh_fast.refresh()
            yield
    finally:
        whoosh_fast.refresh()


@pytest.fixture(scope="session")
def guide_index(tmp_path_factory) -> Path:
    """The shipped guide, built once per test run into a temp dir (read-only for tests)."""
    index_dir = tmp_path_factory.mktemp("guide-index")
    build_index(CONTENT, index_dir)
    return index_dir


@pytest.fixture(scope="session")
def client(guide_index: Path) -> Iterator[TestClient]:
    """The real app over the shipped guide, through Starlette's TestClient."""
    settings = load_settings({}).with_paths(CONTENT, guide_index)
    with TestClient(create_app(settings), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A writable copy of the guide, for tests that edit pages."""
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target)
    return target


SOURCES_HEADING = '<h2 id="sources">'


def add_to_page(html: str, fragment: str) -> str:
    """The page with `fragment` added at the end of its text (before its Sources, which are
    not indexed as text)."""
    marker = SOURCES_HEADING if SOURCES_HEADING in html else "</article>"
    return html.replace(marker, fragment + marker, 1)


def wait_for_generation(client: TestClient, number: int, timeout: float = 20.0) -> None:
    """Until the site serves generation `number` (a new one goes live once warmed up)."""
    deadline = time.monotonic() + timeout
    while client.get("/api/status").json()["generation"] != number:
        assert time.monotonic() < deadline, f"generation {number} never went live"
        time.sleep(0.02)


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


ODD_PAGE = """<html><head><title>Odd page</title>
<meta name="description" content="Crème brûlée, Sjögren’s and naïve façades">
<meta name="keywords" content="Ünïcode, the, side effect, side effect, 42"></head>
<body><article><h1>Sjögren’s syndrome – œdema</h1>
<p>{words}</p><h2>Side effects</h2><ul><li>Headache</li><li>Nausea and vomiting</li></ul>
<h2>Numbers</h2><p>3.14 mg/kg x2 1,000 2024-01-05 e-mail the the the of of.</p>
</article></body></html>"""


@pytest.fixture
def odd_guide(tmp_path: Path) -> Path:
    """The shipped guide, a page with accents and stop words, and a broken page."""
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    words = " ".join(f"Word{n % 37} side effect lupus Lupus LUPUS flares" for n in range(60))
    (content / "lupus-symptoms/odd.html").write_text(ODD_PAGE.format(words=words), "utf-8")
    (content / "lupus-symptoms/broken.html").write_bytes(b"\x00\x00garbage")
    return content
