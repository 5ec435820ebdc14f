"""Insights in a real Chromium (issue 16): a reader answers "Was this page helpful?" (Yes, and
No with a reason) in place, opens a search result, and an editor signs in to /admin/insights
and sees all of it, with no console errors (so nothing broke the CSP)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from ..conftest import CONTENT
from .conftest import serving
from .test_views import assert_no_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.timeout(90)]

TOKEN = "editors-only-token-for-tests"


@pytest.fixture(scope="module")
def insights_site(guide_index: Path, tmp_path_factory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("insights-site")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("LUPUS_GUIDE_INSIGHTS_DB", str(root / "insights.sqlite3"))
        env.setenv("LUPUS_GUIDE_ADMIN_TOKEN", TOKEN)
        env.setenv("LUPUS_GUIDE_INSIGHTS_MIN_HOURS", "1")  # one test run is one hour
        with serving(CONTENT, guide_index, root) as base:
            yield base


def test_feedback_and_an_opened_result_reach_the_report(page: Page, insights_site: str,
                                                        screenshots: Path) -> None:
    # "No", then a reason, answered in place.
    page.goto(f"{insights_site}/other-drugs/ivig")
    box = page.locator("#page-feedback")
    reasons = box.locator("form.feedback-reasons")
    expect(reasons).to_be_hidden()  # until the reader says No
    box.get_by_role("button", name="No").click()
    expect(reasons).to_be_visible()
    expect(page).to_have_url(f"{insights_site}/other-drugs/ivig")  # no page load
    reasons.get_by_label("It seems out of date").check()
    reasons.get_by_role("button", name="Send").click()
    expect(box.locator(".feedback-thanks")).to_have_text("Thank you for your feedback.")
    expect(box.locator("form.feedback-vote")).to_be_hidden()
    assert_no_axe_violations(page)

    page.goto(f"{insights_site}/about-us")
    page.locator("#page-feedback").get_by_role("button", name="Yes").click()
    expect(page.locator("#page-feedback .feedback-thanks")).to_have_text(
        "Thank you for your feedback.")

    # A search, and its first result opened with a click (the beacon goes as it leaves).
    page.goto(f"{insights_site}/search?q=headache+after+infusion")
    first = page.locator("li.result a").first
    with page.expect_request(f"{insights_site}/insights/opened") as beacon:
        first.click()
    assert beacon.value.method == "POST"
    page.wait_for_url("**/other-drugs/ivig**")

    # The editor's report.
    page.goto(f"{insights_site}/admin/insights")
    page.get_by_label("Admin token").fill(TOKEN)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Search insights", level=1)).to_be_visible()
    top = page.locator("table", has=page.locator("caption", has_text="Top queries"))
    expect(top).to_contain_text("headache after infusion")
    opened = page.locator("table", has=page.locator(
        "caption", has_text="Pages opened from search results"))
    expect(opened.locator("tr", has_text="IVIG")).to_contain_text("1")
    feedback = page.locator("table", has=page.locator("caption", has_text="Was this page"))
    ivig = feedback.locator("tr", has_text="IVIG")
    expect(ivig.locator("td").nth(2)).to_have_text("1")  # No
    expect(ivig.locator("td").nth(6)).to_have_text("1")  # "It seems out of date"
    expect(feedback.locator("tr", has_text="About")).to_be_visible()
    expect(page.locator("svg.chart").first).to_be_visible()
    page.screenshot(path=screenshots / "admin-insights.png", full_page=True)


def test_a_search_made_by_typing_counts_once_the_typing_pauses(page: Page,
                                                               insights_site: str) -> None:
    page.goto(f"{insights_site}/search")
    page.locator("#q").fill("butterfly rash")  # results appear in place, no search sent
    expect(page.locator("li.result").first).to_be_visible()
    with page.expect_request(lambda r: r.method == "HEAD" and "/search?" in r.url,
                             timeout=8_000) as counted:
        pass
    assert "q=butterfly+rash" in counted.value.url and "typing" not in counted.value.url
