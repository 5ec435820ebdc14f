"""Browser tests: the real server (uvicorn in a subprocess) over the shipped guide, driven by
Debian's Chromium through pytest-playwright. Nothing is downloaded: `playwright install` is
never used."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import ConsoleMessage, Error, Page, expect

from ..conftest import ROOT, serving  # noqa: F401  (serving: for tests of their own server)

SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"

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
