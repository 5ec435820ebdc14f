"""Review dates, the due-for-review note, the Sources list and the start-here link in a real
Chromium, on fixture pages served by their own uvicorn (the shipped pages are being edited)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from indexer.build import build_index

from ..test_review_views import PAGES
from .conftest import serving
from .test_views import VIEWPORTS, assert_no_axe_violations, assert_no_sideways_scroll

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(60)]

SOURCE_URL = "https://medlineplus.gov/lupus.html"


@pytest.fixture(scope="module")
def review_site(tmp_path_factory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("review-site")
    content = root / "content"
    for relative, html in PAGES.items():
        path = content / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(html)
    build_index(content, root / "index")
    with serving(content, root / "index", root) as base:
        yield base


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_overdue_page_with_sources_is_accessible(page: Page, review_site: str, screenshots: Path,
                                                 console_errors: list[str],
                                                 viewport: str) -> None:
    page.set_viewport_size(VIEWPORTS[viewport])
    page.goto(f"{review_site}/living-with-lupus/overdue")
    expect(page.locator(".review-due")).to_be_visible()
    expect(page.locator(".review-due")).to_contain_text("This page is due for review")
    expect(page.locator(".review-dates")).to_have_text(
        "Page last reviewed: 1 January 2019 · Next review due: 1 January 2020")
    expect(page.locator("ul.sources-list a")).to_have_count(2)
    assert console_errors == []
    assert_no_sideways_scroll(page)
    assert_no_axe_violations(page)
    page.screenshot(path=screenshots / f"review-due-{viewport}.png", full_page=True)


def test_a_source_link_opens_in_the_same_tab(page: Page, review_site: str) -> None:
    """Nothing on the page stops or redirects a click on a source (the source itself is
    answered by a stand-in: tests never reach the internet)."""
    page.route(SOURCE_URL, lambda route: route.fulfill(
        status=200, content_type="text/html", body="<title>Stand-in source</title>"))
    page.goto(f"{review_site}/treating-lupus/testamab")
    pages_before = len(page.context.pages)
    page.locator("ul.sources-list a", has_text="MedlinePlus: Lupus").click()
    page.wait_for_url(SOURCE_URL)
    expect(page).to_have_title("Stand-in source")
    assert len(page.context.pages) == pages_before


def test_home_start_link_and_labels(page: Page, review_site: str,
                                    console_errors: list[str]) -> None:
    page.goto(f"{review_site}/")
    start = page.locator(".start-here a")
    expect(start).to_have_text("What Is Lupus?")
    expect(page.locator(".cards")).to_contain_text("1 page")
    assert_no_axe_violations(page)
    start.click()
    page.wait_for_url(f"{review_site}/lupus-symptoms/what-is-lupus")
    page.goto(f"{review_site}/drugs")
    expect(page.locator("thead th").nth(1)).to_have_text("Skin")
    assert_no_axe_violations(page)
    assert console_errors == []
