"""Each main view, on a desktop and a 375 px phone: no console errors, no axe-core violations,
no sideways scrolling, and a full-page screenshot in test-artifacts/screenshots/."""

from __future__ import annotations

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(60)]

VIEWS = {
    "home": "/",
    "results": "/search?q=headache",
    "zero-results": "/search?q=qqqzzzxx",
    "guide-page": "/other-drugs/ivig",
    "side-effects": "/side-effects",
    "drugs": "/drugs",
    "section-page": "/sections/treating-lupus",
    "sections-list": "/sections",
    "effect-page": "/side-effects/headache",
    "compare-view": "/drugs/compare?a=methotrexate&b=azathioprine",
    "relaxed-results": "/search?q=can+i+get+pregnant+on+methotrexate",
}
VIEWPORTS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 375, "height": 812}}

AXE = Axe()


def assert_no_axe_violations(page: Page) -> None:
    results = AXE.run(page)
    assert results.violations_count == 0, results.generate_report()


def assert_no_sideways_scroll(page: Page) -> None:
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"the page scrolls sideways: {widths[0]} > {widths[1]} px"


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("view", VIEWS)
def test_view(page: Page, screenshots: Path, console_errors: list[str],
              view: str, viewport: str) -> None:
    page.set_viewport_size(VIEWPORTS[viewport])
    response = page.goto(VIEWS[view])
    assert response is not None and response.ok, f"{VIEWS[view]}: {response and response.status}"
    page.wait_for_load_state("load")
    # search.js has run: the search box is a combobox.
    expect(page.locator("#q")).to_have_attribute("role", "combobox")

    assert console_errors == []
    assert_no_sideways_scroll(page)
    assert_no_axe_violations(page)
    page.screenshot(path=screenshots / f"{view}-{viewport}.png", full_page=True)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_open_suggestions(page: Page, screenshots: Path, console_errors: list[str],
                          viewport: str) -> None:
    """The suggestion list, open over the page, is accessible and fits a phone too."""
    page.set_viewport_size(VIEWPORTS[viewport])
    page.goto("/")
    page.locator("#q").press_sequentially("rash", delay=20)
    expect(page.locator("#suggestions")).to_be_visible()
    page.keyboard.press("ArrowDown")
    expect(page.locator("#q")).to_have_attribute("aria-activedescendant", "suggestion-0")

    assert console_errors == []
    assert_no_sideways_scroll(page)
    assert_no_axe_violations(page)
    page.screenshot(path=screenshots / f"suggestions-{viewport}.png", full_page=False)


def test_copy_buttons_are_accessible(page: Page, console_errors: list[str]) -> None:
    """The buttons search.js adds to a guide page's headings pass axe as well."""
    page.goto("/other-drugs/ivig?highlight=headache#about-headaches")
    expect(page.locator(".heading-link").first).to_be_visible()
    assert_no_axe_violations(page)
