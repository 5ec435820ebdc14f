"""The safety net (issue 13): urgent searches in patients' own spelling get the right help
first, with actions to tap, on the results page, in suggestions and in guide pages; editors'
mistakes in safety.toml are caught by `lupus-guide check`."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner
from starlette.testclient import TestClient

from guide_site.app import create_app
from guide_site.settings import load_settings
from indexer.build import build_index
from indexer.check import check_content
from indexer.cli import main as cli
from indexer.safety_file import SafetyFileError, parse_safety
from search.safety import NoticeMatcher
from search.spelling import EVERYDAY_WORDS

from .conftest import CONTENT, add_to_page

SAFETY = (CONTENT / "safety.toml").read_text("utf-8")


@pytest.fixture(scope="module")
def matcher() -> NoticeMatcher:
    return NoticeMatcher(parse_safety(SAFETY), EVERYDAY_WORDS.__contains__)


@pytest.mark.parametrize(("query", "expected"), [
    ("cant breath", "chest-breathing"),
    ("can't breathe", "chest-breathing"),
    ("i can not breathe properly", "chest-breathing"),
    ("pain in my chest", "chest-breathing"),
    ("chest hurts when i breathe", "chest-breathing"),
    ("kill my self", "crisis"),
    ("killmyself", "crisis"),
    ("suicde", "crisis"),
    ("selfharm", "crisis"),
    ("self harming again", "crisis"),
    ("i dont want to be here anymore", "crisis"),
    ("i want to end it all", "crisis"),
    ("overdose", "overdose-poisoning"),
    ("my toddler swallowed some of my plaquenil pills", "overdose-poisoning"),
    ("poisoning", "overdose-poisoning"),
    ("vomiting blood", "severe-bleeding"),
    ("black tarry poop", "severe-bleeding"),
    ("fever on cellcept", "fever-infection"),
    ("temp 39 and shivering on methotrexate", "fever-infection"),
    ("one leg swollen hot and painful", "blood-clot"),
    ("havent peed all day", "no-urine"),
    ("throwing up cant keep my prednisone down", "adrenal-crisis"),
    ("her face is drooping on one side", "stroke"),
    ("my husband is having a siezure", "seizure-fainting"),
    ("lips and throat swelling after infusion", "allergic-reaction"),
])
def test_urgent_searches_in_patients_words_get_their_notice(matcher: NoticeMatcher, query: str,
                                                          expected: str) -> None:
    found = matcher.match(query)
    assert found is not None and found.notice.id == expected, (query, found)


@pytest.mark.parametrize("query", [
    "hair loss", "headache after infusion", "breathing exercises for stress",
    "how to stay fit with lupus", "chest x-ray before rituximab", "blood test results",
    "protein in urine", "is it safe to drink alcohol on methotrexate", "i dont want to die",
    "this pain is killing me", "methotrexate pregnancy", "dent", "sore throat",
])
def test_everyday_searches_get_no_notice(matcher: NoticeMatcher, query: str) -> None:
    assert matcher.match(query) is None


def test_word_order_and_words_between_do_not_matter(matcher: NoticeMatcher) -> None:
    for query in ["my chest has been feeling really tight", "tight chest", "chest tight"]:
        assert matcher.match(query).notice.id == "chest-breathing", query
    # ... but words far apart in a long sentence are not one trigger
    far = "my chest x-ray was fine and the doctor says the joint pain is from lupus"
    assert matcher.match(far) is None


def test_misspellings_are_forgiven_only_against_the_notices_words() -> None:
    rules = parse_safety(SAFETY)
    guide_words = {"sezure"}  # pretend the guide itself used this word
    strict = NoticeMatcher(rules, lambda w: w in EVERYDAY_WORDS or w in guide_words)
    assert strict.match("having a sezure") is None  # a known word is never "corrected"
    assert NoticeMatcher(rules).match("having a sezure").notice.id == "seizure-fainting"
    assert NoticeMatcher(rules).match("suicde").notice.id == "crisis"
    assert NoticeMatcher(rules).match("suizide").notice.id == "crisis"
    assert NoticeMatcher(rules).match("suxxxde") is None  # too far from any notice word


def test_the_results_page_shows_actions_and_pinned_pages_first(client: TestClient) -> None:
    data = client.get("/api/search", params={"q": "overdose"}).json()
    notice = data["notice"]
    assert notice["id"] == "overdose-poisoning"
    hrefs = [a["href"] for a in notice["actions"]]
    assert "tel:+18002221222" in hrefs and "tel:911" in hrefs
    assert all(set(a) == {"label", "href", "region"} for a in notice["actions"])
    assert next(p["url"] for p in notice["pages"]).startswith("/other-drugs/pain-relievers")
    page = BeautifulSoup(client.get("/search", params={"q": "overdose"}).text, "lxml")
    box = page.select_one("section.notice[role=alert]")
    assert box is not None
    assert box.select_one('a.call-action[href="tel:+18002221222"]') is not None
    # The notice comes before any result.
    assert str(page).index("call-action") < str(page).index('class="results"')


def test_a_crisis_shows_help_and_nothing_else(client: TestClient) -> None:
    for query in ["i want to end it all", "kill my self", "suicde"]:
        data = client.get("/api/search", params={"q": query}).json()
        assert data["notice"]["id"] == "crisis", query
        assert data["results"] == [] and data["total"] == 0, query
        assert all(not values for values in data["facets"].values())
        assert data["corrected_query"] is None
        urls = [p["url"] for p in data["notice"]["pages"]]
        assert urls[0].startswith("/psychological-issues/depression#")
        hrefs = {a["href"] for a in data["notice"]["actions"]}
        assert {"tel:988", "sms:988", "tel:116123", "tel:999", "tel:112"} <= hrefs
        html = BeautifulSoup(client.get("/search", params={"q": query}).text, "lxml")
        assert not html.select("li.result") and not html.select("aside.facets")
        assert not html.select(".no-results")
        assert html.select_one(".notice-crisis .pinned a")["href"] == urls[0]


def test_suggestions_carry_the_notice(client: TestClient) -> None:
    data = client.get("/api/suggest", params={"q": "chest pain"}).json()
    assert data["notice"]["id"] == "chest-breathing"
    first = data["suggestions"][0]
    assert first["kind"] == "help" and first["text"] == data["notice"]["title"]
    assert first["url"] == data["notice"]["pages"][0]["url"]
    crisis = client.get("/api/suggest", params={"q": "i want to end it all"}).json()
    assert crisis["notice"]["id"] == "crisis"
    kinds = [s["kind"] for s in crisis["suggestions"]]
    assert kinds[0] == "help" and set(kinds) <= {"help", "page"}
    assert all(not s["url"].startswith(("/treating-lupus", "/other-drugs"))
               for s in crisis["suggestions"])
    assert client.get("/api/suggest", params={"q": "hair lo"}).json()["notice"] is None


def test_everyday_words_and_contractions_are_never_corrected(client: TestClient) -> None:
    for query in ["i dont want to be here anymore", "wont stop itching", "cant sleep",
                  "im so tired", "ive got a rash", "id like to know about diet",
                  "ill after infusion", "lets talk about pain", "my mum has lupus too"]:
        data = client.get("/api/search", params={"q": query}).json()
        assert data["corrected_query"] is None, (query, data["corrected_query"])


def _site(tmp_path: Path, content: Path) -> TestClient:
    index = tmp_path / "index"
    build_index(content, index)
    return TestClient(create_app(load_settings({}).with_paths(content, index)),
                      raise_server_exceptions=False)


def test_guide_pages_show_the_shared_wording(content_copy: Path, tmp_path: Path) -> None:
    page = content_copy / "living-with-lupus" / "travel.html"
    html = page.read_text("utf-8").replace(
        '<h2 id="sources">', '<div data-urgent="fever-infection"></div>\n'
        '<div data-urgent="no-such-notice"></div><h2 id="sources">')
    page.write_text(html, "utf-8")
    with _site(tmp_path, content_copy) as site:
        shown = BeautifulSoup(site.get("/living-with-lupus/travel").text, "lxml")
        block = shown.select_one('.article-body section.notice-fever-infection[role="note"]')
        assert block is not None and "100.4" in block.get_text()
        assert block.select_one('a[href="tel:911"]') is not None
        assert shown.select_one('[data-urgent="no-such-notice"]') is not None  # left empty
        data = site.get("/api/pages/living-with-lupus/travel").json()
        assert "notice-fever-infection" in data["html"]
        # An edit of safety.toml shows on the page at once, with no reindex.
        safety = content_copy / "safety.toml"
        safety.write_text(safety.read_text("utf-8").replace(
            "Fever while taking medicines", "A fever on medicines"), "utf-8")
        assert "A fever on medicines" in site.get("/living-with-lupus/travel").text
    problems = [p for p in check_content(content_copy)[1] if p.path.endswith("travel.html")]
    assert any("no-such-notice" in p.message and p.level == "error" for p in problems)


@pytest.mark.parametrize(("change", "message"), [
    (lambda s: s.replace('id = "stroke"', 'id = "stroke"\ncolour = "red"'), "unknown keys colour"),
    (lambda s: s.replace('triggers = [\n  "911",', 'triggers = []\nunless = [\n  "911",'),
     "'triggers' is empty"),
    (lambda s: s.replace('href = "tel:911"', 'href = "tel:call-911"'), "not a phone link"),
    (lambda s: s.replace('"us-poison", "us-911"', '"us-poison", "us-912"'),
     "no action 'us-912'"),
    (lambda s: s.replace('id = "stroke"', 'id = "crisis"'), "used twice"),
    (lambda s: s + "\n[[notice\n", "not valid TOML"),
])
def test_check_reports_mistakes_in_safety_toml(change, message: str) -> None:
    with pytest.raises(SafetyFileError, match=re.escape(message)):
        parse_safety(change(SAFETY))


def test_check_reports_pinned_pages_that_do_not_exist(content_copy: Path) -> None:
    safety = content_copy / "safety.toml"
    safety.write_text(SAFETY.replace(
        '"/treating-lupus/corticosteroids#never-stop-suddenly"',
        '"/treating-lupus/corticosteroids#no-such-part", "/treating-lupus/steroidz"'), "utf-8")
    messages = [p.message for p in check_content(content_copy)[1] if p.path == "safety.toml"]
    assert any("#no-such-part" in m for m in messages)
    assert any("'/treating-lupus/steroidz' is not a page" in m for m in messages)
    shutil.copy(CONTENT / "safety.toml", safety)


def test_check_reports_emergency_numbers_written_by_hand(content_copy: Path) -> None:
    page = content_copy / "lupus-symptoms" / "fatigue.html"
    page.write_text(add_to_page(page.read_text("utf-8"),
                                "<p>If it gets bad, call 911 at once.</p>"), "utf-8")
    problems = [p for p in check_content(content_copy)[1] if p.path.endswith("fatigue.html")]
    assert any("'911' written in the page" in p.message for p in problems)


def test_the_notice_command_shows_what_a_query_gets(guide_index: Path) -> None:
    runner = CliRunner()
    args = ["--content", str(CONTENT), "--index", str(guide_index)]
    result = runner.invoke(cli, ["notice", *args, "kill my self"])
    assert result.exit_code == 0, result.output
    assert "notice: crisis" in result.output and "tel:988" in result.output
    assert "no notice" in runner.invoke(cli, ["notice", *args, "hair loss"]).output


def test_check_reports_urgent_markers_the_site_would_not_fill(content_copy: Path) -> None:
    page = content_copy / "lupus-symptoms" / "fatigue.html"
    page.write_text(add_to_page(page.read_text("utf-8"),
                                '<p>Help: <span data-urgent="crisis"></span></p>'), "utf-8")
    problems = [p for p in check_content(content_copy)[1] if p.path.endswith("fatigue.html")]
    assert any("<span data-urgent" in p.message and p.level == "error" for p in problems)
