"""The safety net in a real browser: a crisis or emergency typed into the box shows its notice
first, with call links a phone can tap, and Enter on it opens the page that helps; a crisis
search's results page shows the help and nothing else."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(60)]

AXE = Axe()
PHONE = {"width": 375, "height": 740}


def type_in_box(page: Page, text: str) -> None:
    box = page.locator("#q")
    box.click()
    box.press_sequentially(text, delay=30)


def test_a_crisis_typed_in_the_box_shows_help_first(page: Page, screenshots: Path) -> None:
    page.set_viewport_size(PHONE)
    page.goto("/")
    type_in_box(page, "i want to end it all")
    notice = page.locator("#suggest-notice")
    expect(notice).to_be_visible()
    expect(notice.locator(".notice-title")).to_have_text("You are not alone")
    call = notice.locator('a[href="tel:988"]')
    expect(call).to_be_visible()
    assert call.evaluate("a => a.protocol") == "tel:"
    box = call.bounding_box()
    assert box is not None and box["height"] >= 40, box  # a target a finger can hit
    expect(notice.locator('a[href="sms:988"]')).to_be_visible()
    # The notice is the list's first row; nothing about medicines follows it.
    first = page.locator("#suggestions [role=option]").first
    expect(first).to_have_class(re.compile(r"\bhelp\b"))
    expect(first).to_contain_text("You are not alone")
    expect(page.locator("#suggestions")).not_to_contain_text("Anifrolumab")
    expect(page.locator("#announcer")).to_contain_text("You are not alone")
    assert AXE.run(page).violations_count == 0
    page.screenshot(path=screenshots / "safety-suggestions-phone.png")
    # Arrow down to the notice and Enter: its first pinned page, at the right section.
    page.locator("#q").press("ArrowDown")
    page.locator("#q").press("Enter")
    page.wait_for_url(re.compile(r"/psychological-issues/depression#if-you-are-thinking"))
    expect(page.locator(".article-body .notice-crisis a[href='tel:988']")).to_be_visible()


def test_chest_pain_suggestions_lead_with_the_emergency_notice(page: Page) -> None:
    page.goto("/")
    type_in_box(page, "chest pain")
    expect(page.locator("#suggest-notice")).to_be_visible()
    expect(page.locator("#suggest-notice a[href='tel:911']")).to_be_visible()
    first = page.locator("#suggestions [role=option]").first
    expect(first).to_contain_text("Chest pain or trouble breathing")
    # Escape closes the list and its notice together.
    page.locator("#q").press("Escape")
    expect(page.locator("#suggest-panel")).to_be_hidden()


def test_a_crisis_results_page_shows_help_and_nothing_else(page: Page, screenshots: Path) -> None:
    page.goto("/search?q=kill+my+self")
    notice = page.locator("#search-results .notice-crisis")
    expect(notice).to_be_visible()
    expect(notice.locator("a.call-action[href='tel:988']")).to_be_visible()
    expect(notice.locator("a.call-action[href='tel:116123']")).to_be_visible()
    expect(notice.locator(".pinned a").first).to_have_attribute(
        "href", re.compile(r"^/psychological-issues/depression#"))
    expect(page.locator("li.result")).to_have_count(0)
    expect(page.locator("aside.facets")).to_have_count(0)
    expect(page.locator(".no-results")).to_have_count(0)
    assert AXE.run(page).violations_count == 0
    page.screenshot(path=screenshots / "safety-crisis-results.png", full_page=True)


def test_typing_an_emergency_on_the_results_page_shows_its_notice(page: Page) -> None:
    page.goto("/search?q=rash")
    type_in_box(page, " and cant breath")
    results = page.locator("#search-results")
    expect(results.locator(".notice-allergic-reaction")).to_be_visible()
    expect(results.locator(".notice a[href='tel:911']")).to_be_visible()
