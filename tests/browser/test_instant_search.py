"""Search as you type, suggestions (the ARIA combobox), facets in place with Back, the
keyboard-only flow and "Copy link", in a real browser against the real server."""

from __future__ import annotations

import contextlib
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser, Error, Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(60)]

IVIG = "Intravenous Immunoglobulins (IVIG)"
TYPING_DELAY_MS = 40  # between keys: a person typing quickly


def mark_page(page: Page) -> None:
    """A marker on window: still there later means no page load happened in between."""
    page.evaluate("() => { window.__sameDocument = true; }")


def assert_same_document(page: Page) -> None:
    assert page.evaluate("() => window.__sameDocument === true"), "the page was reloaded"


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def result_count(page: Page) -> int:
    text = page.locator("#search-results .result-count").inner_text()
    match = re.match(r"(\d+) pages? match", text)
    assert match, f"unexpected result count {text!r}"
    return int(match.group(1))


def options(page: Page):
    return page.locator("#suggestions [role=option]")


def test_typing_on_search_page_updates_suggestions_and_results_in_place(page: Page) -> None:
    page.goto("/search")
    mark_page(page)
    box = page.locator("#q")
    box.click()
    box.press_sequentially("headache after inf", delay=TYPING_DELAY_MS)

    # Suggestions: the ARIA 1.2 combobox, announced.
    expect(page.locator("#suggestions")).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(box).to_have_attribute("aria-controls", "suggestions")
    expect(box).to_have_attribute("aria-autocomplete", "list")
    expect(options(page).filter(has_text=IVIG)).to_have_count(1)
    expect(page.locator("#announcer")).to_have_text(re.compile(r"^\d+ suggestions? available$"))

    # Results, for the last words typed, without a page load.
    results = page.locator("#search-results")
    expect(results.locator(".results-heading q")).to_have_text("headache after inf")
    expect(results.locator(".result .result-title a", has_text=IVIG)).to_be_visible()
    expect(results.locator("button.copy-link").first).to_be_visible()
    assert_same_document(page)

    # The address can be shared: the same search, without fragment=1.
    expect(page).to_have_url(re.compile(r"/search\?q=headache\+after\+inf$"))
    assert "fragment" not in query_of(page.url)
    assert page.title() == "headache after inf - Search | Lupus Guide"
    expect(box).to_be_focused()


def test_suggestions_on_other_pages_and_enter_submits(page: Page) -> None:
    page.goto("/drugs")
    box = page.locator("#q")
    box.click()
    box.press_sequentially("headache after inf", delay=TYPING_DELAY_MS)
    expect(options(page).filter(has_text=IVIG)).to_have_count(1)
    assert page.url.endswith("/drugs")  # other pages do not search in place

    # Enter with no active suggestion is an ordinary search.
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q=headache\+after\+inf$"))
    expect(page.locator(".result .result-title a", has_text=IVIG)).to_be_visible()
    expect(page.locator("#q")).to_have_value("headache after inf")


def test_combobox_keys_escape_and_click(page: Page) -> None:
    page.goto("/")
    box = page.locator("#q")
    box.click()
    box.press_sequentially("methotrexate", delay=TYPING_DELAY_MS)
    expect(options(page).first).to_be_visible()
    count = options(page).count()
    assert count >= 1

    box.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", "suggestion-0")
    expect(options(page).nth(0)).to_have_attribute("aria-selected", "true")
    box.press("ArrowUp")  # wraps to the last
    expect(box).to_have_attribute("aria-activedescendant", f"suggestion-{count - 1}")
    expect(options(page).nth(0)).to_have_attribute("aria-selected", "false")
    expect(box).to_be_focused()  # focus stays in the box; the option has visual focus

    box.press("Escape")  # closes the list, keeps the words
    expect(page.locator("#suggestions")).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(box).not_to_have_attribute("aria-activedescendant", re.compile(".*"))
    expect(box).to_have_value("methotrexate")
    box.press("ArrowDown")  # reopens the list, on its first option
    expect(page.locator("#suggestions")).to_be_visible()
    expect(box).to_have_attribute("aria-activedescendant", "suggestion-0")
    box.press("Escape")
    expect(page.locator("#suggestions")).to_be_hidden()
    box.press("Escape")  # a second Escape clears
    expect(box).to_have_value("")

    box.press_sequentially("methotrexate", delay=TYPING_DELAY_MS)
    option = options(page).filter(has_text="Methotrexate").first
    expect(option).to_be_visible()
    option.click()
    page.wait_for_url("**/treating-lupus/methotrexate")
    expect(page.locator("h1")).to_contain_text("Methotrexate")


@pytest.mark.parametrize("facet", ["section", "effect", "system"])
def test_facet_narrows_in_place_and_back_restores(page: Page, facet: str) -> None:
    page.goto("/search?q=headache")
    mark_page(page)
    before = result_count(page)
    first_titles = page.locator(".result .result-title a").all_inner_texts()

    # A value that narrows: fewer pages than the whole result.
    values = page.locator(f"a.facet-value[data-facet={facet}]:visible")  # not behind "Show more"
    counts = [int(c) for c in values.locator(".count").all_inner_texts()]
    assert counts, f"no {facet} facet for 'headache'"
    index = next((i for i, c in enumerate(counts) if c < before), None)
    assert index is not None, f"no {facet} value narrows {before} results: {counts}"
    value = values.nth(index)
    label = value.get_attribute("data-value")
    expected = counts[index]

    value.click()
    expect(page).to_have_url(re.compile(rf"[?&]{facet}="))
    assert query_of(page.url)[facet] == [label]
    assert "fragment" not in query_of(page.url)
    expect(page.locator("#search-results .result-count")).to_have_text(
        re.compile(rf"^{expected} pages? match"))
    assert page.locator(".result").count() == min(expected, 10)
    chosen = page.locator(f"a.facet-value[data-facet={facet}][aria-checked=true]")
    expect(chosen).to_have_count(1)
    expect(chosen).to_have_attribute("data-value", label)
    expect(chosen).to_be_focused()  # focus stays on the value that was chosen
    expect(page.locator(".chips .chip")).to_have_count(1)
    expect(page.locator("#announcer")).to_have_text(re.compile(rf"^{expected} pages? match"))
    assert_same_document(page)

    page.go_back()
    expect(page).not_to_have_url(re.compile(rf"[?&]{facet}="))
    expect(page.locator("#search-results .result-count")).to_have_text(
        re.compile(rf"^{before} pages match"))
    expect(page.locator(".result .result-title a")).to_have_text(first_titles)
    expect(page.locator(".chips")).to_have_count(0)
    assert_same_document(page)

    page.go_forward()
    expect(page).to_have_url(re.compile(rf"[?&]{facet}="))
    expect(page.locator("#search-results .result-count")).to_have_text(
        re.compile(rf"^{expected} pages? match"))

    # Removing the filter through its chip brings every page back.
    page.locator(".chips .chip").click()
    expect(page.locator("#search-results .result-count")).to_have_text(
        re.compile(rf"^{before} pages match"))
    expect(page).not_to_have_url(re.compile(rf"[?&]{facet}="))
    assert_same_document(page)


def test_new_words_are_searched_within_the_chosen_facets(page: Page) -> None:
    page.goto("/search?q=headache")
    mark_page(page)
    section = page.locator("a.facet-value[data-facet=section]").first
    label = section.get_attribute("data-value")
    section.click()
    expect(page).to_have_url(re.compile(r"[?&]section="))

    box = page.locator("#q")
    box.fill("tired")  # typed, then searched as you type
    expect(page).to_have_url(re.compile(r"[?&]q=tired"))
    assert query_of(page.url)["section"] == [label]
    expect(page.locator(".chips .chip")).to_have_count(1)
    for link in page.locator(".result .result-title a").all():
        assert link.get_attribute("href").startswith(f"/{label}/")

    # Removing the chip, then typing again: the choice stays removed.
    page.locator(".chips .chip").click()
    expect(page).not_to_have_url(re.compile(r"[?&]section="))
    box.fill("rash")
    expect(page).to_have_url(re.compile(r"[?&]q=rash"))
    assert "section" not in query_of(page.url)
    assert_same_document(page)


def test_typing_then_back_returns_to_the_earlier_search(page: Page) -> None:
    page.goto("/search?q=fatigue")
    mark_page(page)
    box = page.locator("#q")
    box.fill("")
    box.press_sequentially("rash", delay=TYPING_DELAY_MS)
    expect(page.locator(".results-heading q")).to_have_text("rash")
    expect(page).to_have_url(re.compile(r"\?q=rash$"))

    page.go_back()  # one entry for the whole bout of typing
    expect(page).to_have_url(re.compile(r"\?q=fatigue$"))
    expect(page.locator(".results-heading q")).to_have_text("fatigue")
    expect(box).to_have_value("fatigue")
    assert page.title() == "fatigue - Search | Lupus Guide"
    assert_same_document(page)


def test_pager_loads_in_place(page: Page) -> None:
    page.goto("/search?q=pain")
    mark_page(page)
    pages = page.locator(".result-count").inner_text()
    assert ", page 1 of " in pages, pages
    first = page.locator(".result .result-title a").first.inner_text()
    page.locator(".pager a[rel=next]").click()
    expect(page).to_have_url(re.compile(r"[?&]page=2"))
    expect(page.locator(".result-count")).to_contain_text("page 2 of")
    assert page.locator(".results").get_attribute("start") == "11"
    assert page.locator(".result .result-title a").first.inner_text() != first
    expect(page.locator(".results-heading")).to_be_focused()
    assert_same_document(page)


def test_keyboard_only(page: Page, base_url: str) -> None:
    page.goto("/side-effects")
    box = page.locator("#q")
    page.keyboard.press("/")
    expect(box).to_be_focused()
    page.keyboard.type("headache after inf", delay=TYPING_DELAY_MS)
    expect(options(page).first).to_have_text(re.compile(re.escape(IVIG)))
    page.keyboard.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", "suggestion-0")
    page.keyboard.press("Enter")
    page.wait_for_url("**/other-drugs/ivig#about-headaches")  # the section that answers
    expect(page.locator("h1")).to_have_text(IVIG)

    # "/" is an ordinary key inside a field...
    page.keyboard.press("/")
    expect(box).to_be_focused()
    page.keyboard.type("headache/")
    expect(box).to_have_value("headache/")
    page.keyboard.press("Backspace")
    # ...and Enter with no active suggestion searches.
    page.keyboard.press("Escape")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q=headache$"))

    # Results are plain links, reached with Tab.
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.matches('.result .result-title a')"):
            break
    else:
        pytest.fail("Tab never reached a result link")
    href = page.evaluate("() => document.activeElement.getAttribute('href')")
    page.keyboard.press("Enter")
    page.wait_for_url(base_url + href)
    expect(page.locator("mark").first).to_be_visible()  # the search words are marked


def test_slash_does_nothing_special_in_a_field(page: Page) -> None:
    page.goto("/search?q=rash")
    box = page.locator("#q")
    box.click()
    box.press("End")
    page.keyboard.type("/")
    expect(box).to_have_value("rash/")


def test_copy_link_on_a_result(page: Page, base_url: str) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    page.goto("/search?q=headache")
    button = page.locator(".result button.copy-link").first
    expect(button).to_be_visible()
    path = button.get_attribute("data-copy")
    button.click()
    expect(page.locator("#announcer")).to_have_text("Link copied")
    expect(button).to_contain_text("Link copied")
    assert page.evaluate("() => navigator.clipboard.readText()") == base_url + path


def test_copy_link_on_a_guide_heading(page: Page, base_url: str) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    page.goto("/other-drugs/ivig?highlight=headache")
    headings = page.locator("[data-copy-headings] :is(h2, h3)[id]")
    buttons = page.locator("[data-copy-headings] button.heading-link")
    expect(buttons).to_have_count(headings.count())
    # The heading's own name is unchanged (the button is beside it, not inside it).
    expect(page.get_by_role("heading", name="About Headaches", exact=True)).to_be_visible()
    button = page.get_by_role("button", name="Copy link to “About Headaches”")
    button.click()
    expect(page.locator("#announcer")).to_have_text("Link copied")
    assert page.evaluate("() => navigator.clipboard.readText()") == (
        f"{base_url}/other-drugs/ivig#about-headaches")


def hold_results_parts(page: Page, marker: str) -> list:
    """Holds back the results parts whose address contains `marker` (their routes, to be
    let through later); the others go through at once."""
    held = []

    def hold(route) -> None:
        if marker in route.request.url:
            held.append(route)
        else:
            route.continue_()

    page.route(re.compile(r"/search\?.*fragment=1"), hold)
    return held


def test_a_keystroke_still_on_its_way_does_not_undo_a_facet(page: Page) -> None:
    """Typing, then choosing a facet before the typed words' answer arrives: the facet wins.
    The answer for the keystroke is held back until the facet's results are shown."""
    held = hold_results_parts(page, "typing=1")
    page.goto("/search?q=headache")
    box = page.locator("#q")
    box.press("End")
    with page.expect_request(re.compile(r"q=headaches&.*typing=1")):
        box.press_sequentially("s")  # its request is sent at once, and held
    facet = page.locator("a.facet-value[data-facet=section]").first
    expected = int(facet.locator(".count").inner_text())
    facet.click()
    count = page.locator("#search-results .result-count")
    expect(count).to_have_text(re.compile(rf"^{expected} pages? match"))

    assert len(held) == 1
    with contextlib.suppress(Error):  # the page has cancelled it already
        held[0].continue_()  # the late answer
    page.evaluate("() => fetch('/healthz')")  # a round trip: a late answer is in by now
    expect(count).to_have_text(re.compile(rf"^{expected} pages? match"))
    expect(page).to_have_url(re.compile(r"[?&]section="))


def test_a_late_answer_never_replaces_a_newer_one(page: Page) -> None:
    """The answer for "lupus" is held back until "rash" has been shown: it must be dropped."""
    held = hold_results_parts(page, "q=lupus")
    page.goto("/search?q=fatigue")
    box = page.locator("#q")
    box.fill("")
    with page.expect_request(re.compile(r"q=lupus&fragment=1")):
        box.press_sequentially("lupus", delay=TYPING_DELAY_MS)
    box.fill("")
    box.press_sequentially("rash", delay=TYPING_DELAY_MS)
    heading = page.locator(".results-heading q")
    expect(heading).to_have_text("rash")

    assert len(held) == 1
    with contextlib.suppress(Error):  # the page may have cancelled it already
        held[0].continue_()  # the late answer
    page.evaluate("() => fetch('/healthz')")
    expect(heading).to_have_text("rash")
    expect(page).to_have_url(re.compile(r"\?q=rash$"))


def test_without_javascript_the_plain_pages_still_work(browser: Browser, base_url: str) -> None:
    context = browser.new_context(base_url=base_url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto("/")
        page.locator("#q").fill("headache")
        page.locator("#q").press("Enter")
        page.wait_for_url(re.compile(r"/search\?q=headache$"))
        expect(page.locator(".result").first).to_be_visible()
        expect(page.locator("button.copy-link").first).to_be_hidden()
        expect(page.locator("#suggestions")).to_be_hidden()
        assert page.locator("#q").get_attribute("role") is None  # no combobox without its script

        page.locator("a.facet-value[data-facet=section]").first.click()
        page.wait_for_url(re.compile(r"[?&]section="))
        expect(page.locator(".chips .chip")).to_have_count(1)
    finally:
        context.close()
