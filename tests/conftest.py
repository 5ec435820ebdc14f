"""Shared fixtures: a real index of the real guide in a temp dir, and the real app."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from guide_site.app import create_app
from indexer.build import build_index
from indexer.settings import load_settings

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


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
