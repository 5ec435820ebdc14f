"""Patients on phones and on paper (issue 18), in a real Chromium against the real server, on
a 375 px touch phone and a 1,366 px desktop: filters behind a button on phones, a drugs table
for touch, side-effect pages that help, print, no dead ends, phone polish and search on every
keystroke. Each view is checked with axe and kept as a screenshot in test-artifacts/."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, ConsoleMessage, Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(90)]

DEVICES = {
    "phone": {"viewport": {"width": 375, "height": 812}, "has_touch": True, "is_mobile": True,
              "device_scale_factor": 2},
    "desktop": {"viewport": {"width": 1366, "height": 900}},
}
DRUG_PAGE = "/treating-lupus/methotrexate"
AXE = Axe()


@pytest.fixture(params=list(DEVICES))
def form_factor(request) -> str:
    return request.param


@pytest.fixture
def tab_errors() -> list[str]:
    """The console errors of `tab` (a test that expects one clears it)."""
    return []


@pytest.fixture
def tab(browser: Browser, base_url: str, form_factor: str,
        tab_errors: list[str]) -> Iterator[Page]:
    """A page in a context of its own for the form factor (touch and a phone's screen, or a
    desktop's), failing the test on any console error."""
    context = browser.new_context(base_url=base_url, **DEVICES[form_factor])
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors = tab_errors

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(error.message))
    yield page
    context.close()
    assert errors == [], f"errors in the browser console: {errors}"


def check_view(page: Page, screenshots: Path, name: str, form_factor: str) -> None:
    """No sideways scrolling, no axe violations, and a full-page screenshot."""
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{name}: the page scrolls sideways: {widths}"
    results = AXE.run(page)
    assert results.violations_count == 0, results.generate_report()
    page.screenshot(path=screenshots / f"{name}-{form_factor}.png", full_page=True)


def box(page: Page, selector: str) -> dict:
    found = page.locator(selector).first.bounding_box()
    assert found is not None, f"{selector} is not on screen"
    return found


# 1. Filters -------------------------------------------------------------------------------

def test_filters_behind_a_button_on_phones_beside_results_on_desktops(
        tab: Page, form_factor: str, screenshots: Path) -> None:
    tab.goto("/search?q=can+i+get+pregnant+on+methotrexate")
    button = tab.locator(".filter-button")
    first_result = box(tab, ".result")
    effects = tab.locator("nav.facet[aria-label='Side effect']")
    if form_factor == "phone":
        expect(button).to_be_visible()
        assert box(tab, ".filter-button")["y"] < first_result["y"], "the button is not above"
        expect(effects).to_be_hidden()
        check_view(tab, screenshots, "filters-closed", form_factor)
        button.click()
        expect(effects).to_be_visible()
        assert box(tab, "aside.facets")["y"] < first_result["y"] + 50
    else:
        expect(button).to_be_hidden()
        expect(effects).to_be_visible()
        facets = box(tab, "aside.facets")
        assert facets["x"] > first_result["x"] + first_result["width"] - 5, "not beside"
        assert facets["y"] < first_result["y"] + first_result["height"]

    # The top 5 values, the rest behind "Show more" (their counts unchanged).
    values = effects.locator("a.facet-value")
    shown = effects.locator("a.facet-value:visible")
    total = values.count()
    assert total > 7
    expect(shown).to_have_count(5)
    more = effects.locator("summary", has_text=re.compile(rf"Show {total - 5} more"))
    more.click()
    expect(shown).to_have_count(total)
    check_view(tab, screenshots, "filters-open", form_factor)

    # Choosing a value keeps the panel open on a phone, and the value is chosen.
    shown.nth(5).click()
    expect(tab.locator(".chips .chip")).to_have_count(1)
    expect(tab.locator("aside.facets a.facet-value[aria-checked=true]")).to_be_visible()


def test_filters_work_without_javascript_on_a_phone(browser: Browser, base_url: str) -> None:
    context = browser.new_context(base_url=base_url, java_script_enabled=False,
                                  **DEVICES["phone"])
    try:
        page = context.new_page()
        page.goto("/search?q=headache")
        sections = page.locator("nav.facet[aria-label=Section]")
        expect(sections).to_be_hidden()
        page.locator(".filter-button").click()
        expect(sections).to_be_visible()
        page.locator("nav.facet[aria-label='Side effect'] summary").click()  # Show more
        link = page.locator("nav.facet[aria-label='Side effect'] a.facet-value").nth(6)
        expect(link).to_be_visible()
        link.click()
        page.wait_for_url(re.compile(r"[?&]effect="))
        expect(page.locator(".chips .chip")).to_have_count(1)
    finally:
        context.close()


def test_drug_facets_only_when_the_results_hold_drug_pages(tab: Page) -> None:
    tab.goto("/search?q=talking+to+family")  # no drug page among these results
    expect(tab.locator("nav.facet[aria-label=Section]")).to_have_count(1)
    expect(tab.locator("nav.facet[aria-label='Side effect']")).to_have_count(0)
    expect(tab.locator("nav.facet[aria-label='Body system']")).to_have_count(0)
    tab.goto("/search?q=methotrexate")
    expect(tab.locator("nav.facet[aria-label='Side effect']")).to_have_count(1)


# 2. The drugs table ----------------------------------------------------------------------

def test_drugs_table_for_touch(tab: Page, form_factor: str, screenshots: Path) -> None:
    tab.goto("/drugs")
    table = tab.locator("table.drug-grid")
    # Headers read across, the first one included.
    for header in table.locator("thead th").all():
        style = header.evaluate(
            "th => [getComputedStyle(th).writingMode, getComputedStyle(th).transform]")
        assert style == ["horizontal-tb", "none"], (header.inner_text(), style)
    expect(table.locator("thead th").nth(1)).to_have_text("Skin")
    # Each cell lists effects as words, each a link to its page; no counts anywhere.
    cells = table.locator("tbody td")
    assert not [t for t in cells.all_inner_texts() if re.fullmatch(r"\s*\d+\s*", t)]
    ivig = table.locator("tbody tr", has=tab.locator("th a", has_text="IVIG"))
    link = ivig.locator("td a", has_text="Headache")
    expect(link).to_have_attribute("href", "/side-effects/headache")
    expect(tab.locator(".scroll-hint")).to_be_visible()
    check_view(tab, screenshots, "drugs-table", form_factor)

    # The table scrolls sideways inside its box; the drug column stays where it is.
    wrap = tab.locator(".table-wrap")
    name = ivig.locator("th.drug-name")
    before = name.bounding_box()
    assert wrap.evaluate("w => w.scrollWidth > w.clientWidth"), "nothing to scroll"
    wrap.evaluate("w => { w.scrollLeft = 600; }")
    tab.wait_for_function("() => document.querySelector('.table-wrap').scrollLeft > 0")
    after = name.bounding_box()
    assert before and after and abs(after["x"] - before["x"]) < 1, (before, after)
    assert wrap.evaluate("w => w.scrollLeft") > 0
    link.scroll_into_view_if_needed()
    link.click()
    tab.wait_for_url("**/side-effects/headache")


def test_compare_two_drugs(tab: Page, form_factor: str, screenshots: Path) -> None:
    tab.goto("/drugs")
    tab.get_by_role("link", name="Compare two drugs side by side").click()
    tab.get_by_label("First drug").select_option("methotrexate")
    tab.get_by_label("Second drug").select_option("azathioprine")
    tab.get_by_role("button", name="Compare").click()
    tab.wait_for_url(re.compile(r"/drugs/compare\?a=methotrexate&b=azathioprine$"))
    expect(tab.locator("h1")).to_have_text("Methotrexate and Azathioprine")
    headers = tab.locator("table.compare-grid thead th")
    expect(headers).to_have_text(["Part of the body", "Methotrexate", "Azathioprine"])
    expect(tab.locator(".pills a", has_text="Nausea")).to_be_visible()  # listed for both
    check_view(tab, screenshots, "compare-two", form_factor)


# 3. Side-effect pages -----------------------------------------------------------------------

def test_side_effect_page_quotes_lines_and_links_to_the_list(
        tab: Page, form_factor: str, screenshots: Path) -> None:
    tab.goto("/side-effects/headache")
    ivig = tab.locator(".effect-drug", has=tab.locator("h2", has_text="IVIG"))
    expect(ivig.locator(".effect-lines li")).to_have_text(
        ["Neurologic: headache, dizziness, aseptic meningitis"])
    expect(ivig.locator(".warning-signs li").first).to_be_visible()
    assert "Listed under" not in tab.locator("main").inner_text()
    check_view(tab, screenshots, "side-effect-page", form_factor)
    ivig.get_by_role("link", name="All side effects of IVIG").click()
    tab.wait_for_url("**/other-drugs/ivig#possible-side-effects")
    heading = tab.locator("#possible-side-effects")
    expect(heading).to_be_in_viewport()


# 4. Print ------------------------------------------------------------------------------------

def test_a_drug_page_prints_the_article_only(tab: Page, form_factor: str, screenshots: Path,
                                             base_url: str) -> None:
    tab.goto(DRUG_PAGE)
    printed = tab.get_by_role("button", name="Print this page")
    expect(printed).to_be_visible()
    tab.evaluate("() => { window.print = () => { window.__printed = true; }; }")
    printed.click()
    assert tab.evaluate("() => window.__printed === true")

    tab.emulate_media(media="print")
    for hidden in (".site-header", ".sections-nav", "#q", ".breadcrumbs", ".toc", ".page-aside",
                   ".page-tools", ".site-footer nav", "button"):
        for element in tab.locator(hidden).all():
            expect(element).to_be_hidden()
    expect(tab.locator(".print-address")).to_have_text(f"This page: {base_url}{DRUG_PAGE}")
    expect(tab.locator(".review-dates")).to_contain_text("Page last reviewed")
    expect(tab.locator(".site-footer .disclaimer")).to_be_visible()
    # External links are followed by their address; the guide's own links are not.
    after = tab.locator(".sources-list a").first.evaluate(
        "a => [getComputedStyle(a, '::after').content, a.href]")
    assert after[0] == f'" ({after[1]})"', after
    inner = tab.locator(".article-body a[href^='/']").first.evaluate(
        "a => getComputedStyle(a, '::after').content")
    assert inner in ("none", "normal"), inner
    tab.screenshot(path=screenshots / f"print-{form_factor}.png", full_page=True)
    if form_factor == "desktop":
        # On A4: the article alone fits 3 pages (the printout took 4 with the site's
        # header, navigation, buttons, sidebar and footer links).
        pdf = tab.pdf(format="A4")
        assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) <= 3


# 5. No dead ends -----------------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "landing"), [
    ("/treating-lupus", "/sections/treating-lupus"),
    ("/about", "/about-us"),
    ("/Drugs", "/drugs"),
    ("/side-effects/headaches", "/side-effects/headache"),
])
def test_short_forms_land_on_their_page(page: Page, base_url: str, typed: str,
                                        landing: str) -> None:
    response = page.goto(typed)
    assert response is not None and response.ok
    assert page.url == base_url + landing


def test_sections_and_the_404_offer_a_way_on(tab: Page, form_factor: str, screenshots: Path,
                                             tab_errors: list[str]) -> None:
    tab.goto("/sections")
    expect(tab.locator("main .cards a")).to_have_count(6)
    check_view(tab, screenshots, "sections-touch", form_factor)

    response = tab.goto("/treating-lupus/methotrexat")
    assert response is not None and response.status == 404
    assert tab_errors == ["Failed to load resource: the server responded with a status of 404 "
                          "(Not Found)"]
    tab_errors.clear()  # the 404 itself, as asked
    offered = tab.locator(".offered a")
    expect(offered.first).to_have_text("Methotrexate")
    check_view(tab, screenshots, "not-found", form_factor)
    offered.first.click()
    tab.wait_for_url(f"**{DRUG_PAGE}")


# 6. Phone polish -----------------------------------------------------------------------------

def test_navigation_in_one_row_with_the_current_section(tab: Page, form_factor: str,
                                                       screenshots: Path) -> None:
    tab.goto(DRUG_PAGE)
    links = tab.locator(".sections-nav a")
    tops = {round(b["y"]) for b in (link.bounding_box() for link in links.all()) if b}
    assert len(tops) == 1, f"the navigation takes {len(tops)} rows"
    assert box(tab, ".sections-nav")["height"] < 50
    current = tab.locator(".sections-nav a[aria-current]")
    expect(current).to_have_text("Treating Lupus")
    expect(current).to_have_attribute("aria-current", "true")
    expect(current).to_be_in_viewport()  # scrolled into view on a phone
    tab.goto("/sections/other-drugs")
    expect(tab.locator(".sections-nav a[aria-current=page]")).to_have_text("Other Drugs")
    check_view(tab, screenshots, "section-current", form_factor)


def test_copy_links_beside_headings_and_one_share_button(tab: Page, form_factor: str,
                                                        screenshots: Path) -> None:
    tab.goto(DRUG_PAGE)
    heading = tab.locator("#possible-side-effects")
    button = tab.get_by_role("button", name="Copy link to “Possible Side Effects”")
    share = tab.locator(".page-tools [data-share]")
    expect(share).to_be_visible()
    if form_factor == "phone":
        expect(button).to_be_hidden()  # touch: the one share button instead
    else:
        assert button.evaluate("b => getComputedStyle(b).opacity") == "0"
        heading.hover()
        expect(button).to_have_css("opacity", "1")
        # Beside the heading, on its line: not wrapped under it.
        h, b = heading.bounding_box(), button.bounding_box()
        assert h and b and b["y"] < h["y"] + h["height"] and b["x"] > h["x"]
        button.focus()
        expect(button).to_have_css("opacity", "1")
    check_view(tab, screenshots, "guide-page-headings", form_factor)


def test_the_search_box_fits_and_hints(browser: Browser, base_url: str) -> None:
    for width, hover in ((320, False), (375, False), (1366, True)):
        options = {"viewport": {"width": width, "height": 800}}
        if not hover:
            options.update(has_touch=True, is_mobile=True)
        context = browser.new_context(base_url=base_url, **options)
        try:
            page = context.new_page()
            page.goto("/")
            box_q = page.locator("#q")
            room, needed = box_q.evaluate("""input => {
                const style = getComputedStyle(input);
                const room = input.clientWidth - parseFloat(style.paddingLeft)
                             - parseFloat(style.paddingRight);
                const context = document.createElement("canvas").getContext("2d");
                context.font = `${style.fontSize} ${style.fontFamily}`;
                return [room, context.measureText(input.placeholder).width];
            }""")
            assert needed <= room, f"the placeholder is cut at {width} px: {needed} > {room}"
            hint = page.locator(".slash-hint")
            if hover:
                expect(hint).to_be_visible()
                page.keyboard.press("/")
                expect(box_q).to_be_focused()
                expect(hint).to_be_hidden()
            else:
                expect(hint).to_be_hidden()
        finally:
            context.close()


def test_a_long_search_is_shortened_in_the_heading(tab: Page, form_factor: str) -> None:
    words = ("my joints hurt in the morning and i feel tired all day and my skin gets a "
             "rash when i go out in the sun and i want to know if this could be lupus or "
             "something else and what tests my doctor might do and how long the results "
             "take and whether i should see a rheumatologist soon please help me understand")
    assert len(words) > 250
    tab.goto(f"/search?q={words}")
    quoted = tab.locator(".results-heading q").inner_text()
    assert quoted.endswith("…") and len(quoted) <= 81, quoted
    heading = box(tab, ".results-heading")
    assert heading["height"] < 812 / 3, heading
    assert tab.title().startswith(quoted[:20]) and len(tab.title()) < 100


# 7. Keystroke to results -----------------------------------------------------------------------

def test_each_keystroke_asks_at_once_and_old_words_are_answered_from_memory(tab: Page) -> None:
    asked: list[str] = []
    tab.on("request", lambda r: asked.append(r.url)
           if "fragment=1" in r.url or "/api/suggest" in r.url else None)
    tab.goto("/search")
    box_q = tab.locator("#q")
    box_q.click()
    with tab.expect_response(lambda r: r.url.endswith("/api/suggest?q=rash")):
        box_q.press_sequentially("rash")  # quickly: no pause in typing to wait for
    expect(tab.locator(".results-heading q")).to_have_text("rash")
    expect(tab.locator("#suggestions [role=option]").first).to_be_visible()
    # One results request a key, at once, none waiting for a pause in typing; suggestions
    # only after the results for the same words.
    results = [u for u in asked if "fragment=1" in u]
    assert [re.search(r"q=(\w*)", u).group(1) for u in results] == ["r", "ra", "ras", "rash"]
    assert all("typing=1" in u for u in results), results
    assert asked.index(next(u for u in asked if u.endswith("/api/suggest?q=rash"))) > (
        asked.index(results[-1]))

    with tab.expect_response(lambda r: "/api/suggest?q=rashx" in r.url):
        box_q.press_sequentially("x")
    expect(tab.locator(".results-heading q")).to_have_text("rashx")
    before = len(asked)
    box_q.press("Backspace")  # "rash" again: answered from the page's memory
    expect(tab.locator(".results-heading q")).to_have_text("rash")
    tab.evaluate("() => fetch('/healthz')")
    assert len(asked) == before, asked[before:]


def test_a_result_page_is_fetched_ahead_on_hover_or_focus(tab: Page, form_factor: str) -> None:
    tab.goto("/search?q=headache")
    first = tab.locator(".result-title a").first
    target = first.get_attribute("href").split("#")[0]
    with tab.expect_request(lambda r: r.url.endswith(target)):
        if form_factor == "phone":
            first.focus()
        else:
            first.hover()
