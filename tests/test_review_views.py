"""Review dates, Sources, plain body-system labels, effect labels, plurals and section order
as people see them (issue 14): fixture pages in a temp content folder, a real index, the real
app through Starlette's TestClient."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from starlette.testclient import TestClient

from guide_site.app import create_app
from guide_site.settings import load_settings
from guide_site.state import AppState
from indexer.build import build_index
from search.wording import counted, date_in_words

FILLER = ("Rest helps your body heal. Gentle walks keep your joints moving. Ask your doctor "
          "about anything that worries you. ") * 4
SOURCES = ('<h2 id="sources">Sources</h2><ul>'
           '<li><a href="https://medlineplus.gov/lupus.html" target="_blank">MedlinePlus: '
           "Lupus</a></li>"
           '<li><a href="https://www.niams.nih.gov/health-topics/lupus">NIAMS: Lupus</a></li>'
           "</ul>")


def page_html(title: str, *, metas: dict[str, str] | None = None, body: str = "",
              sources: bool = True) -> str:
    head = "".join(f'<meta name="{name}" content="{value}">'
                   for name, value in {"description": f"All about {title.lower()}.",
                                       **(metas or {})}.items())
    return (f"<html><head><title>{title}</title>{head}</head><body><article><h1>{title}</h1>"
            f"<p>{FILLER}</p><h2>More</h2><p>{FILLER}</p>{body}{SOURCES if sources else ''}"
            "</article></body></html>")


DRUG_EFFECTS = (
    "<h2>Possible Side Effects</h2><p>Most people have few problems.</p><ul>"
    "<li>Infections: PML, Hepatitis B flares</li>"
    "<li>Skin: rash</li>"
    "<li>Lungs and breathing: cough</li>"
    "</ul><h2>Call Your Doctor Right Away If</h2><ul><li>you feel very unwell</li></ul>"
)
PAGES = {
    "lupus-symptoms/what-is-lupus.html": page_html(
        "What Is Lupus?", metas={"order": "0", "last-reviewed": "2026-12-01",
                                 "next-review": "2028-12-01"}),
    "living-with-lupus/zebra.html": page_html("Zebra Care", metas={"order": "1"}),
    "living-with-lupus/apple.html": page_html("Apple Days", metas={"order": "2"}),
    "living-with-lupus/banana.html": page_html("Banana Notes"),
    "living-with-lupus/aardvark.html": page_html("Aardvark Tips"),
    "living-with-lupus/overdue.html": page_html(
        "Old Advice", metas={"last-reviewed": "2019-01-01", "next-review": "2020-01-01"}),
    "treating-lupus/testamab.html": page_html(
        "Testamab (Testo)", metas={"drug": "Testamab", "last-reviewed": "2026-12-01",
                                   "next-review": "2027-12-01"}, body=DRUG_EFFECTS),
    "pages/about-us.html": page_html("About Us", sources=False),
}


def build_app(root: Path, pages: dict[str, str]) -> TestClient:
    content = root / "content"
    for relative, html in pages.items():
        path = content / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(html)
    build_index(content, root / "index")
    settings = load_settings({}).with_paths(content, root / "index")
    return TestClient(create_app(settings), raise_server_exceptions=False)


@pytest.fixture(scope="module")
def client(tmp_path_factory) -> Iterator[TestClient]:
    with build_app(tmp_path_factory.mktemp("review-views"), PAGES) as test_client:
        yield test_client


def soup(response) -> BeautifulSoup:
    assert response.status_code == 200, response.text[:300]
    return BeautifulSoup(response.text, "lxml")


def text_of(node) -> str:
    return re.sub(r"\s+", " ", node.get_text(" ", strip=True))


def test_review_dates_in_words_with_machine_dates(client: TestClient) -> None:
    page = soup(client.get("/treating-lupus/testamab"))
    review = page.select_one(".review")
    assert "Page last reviewed: 1 December 2026 · Next review due: 1 December 2027" in text_of(
        review)
    assert [t["datetime"] for t in review.select("time")] == ["2026-12-01", "2027-12-01"]
    assert "editors review each page against the sources listed" in text_of(review)
    assert page.select_one(".review-due") is None
    assert "Last updated" not in page.get_text()


def test_json_twin_carries_review_dates_and_sources(client: TestClient) -> None:
    data = client.get("/api/pages/treating-lupus/testamab").json()
    assert (data["last_reviewed"], data["next_review"], data["review_due"]) == (
        "2026-12-01", "2027-12-01", False)
    assert data["sources"] == [
        {"title": "MedlinePlus: Lupus", "url": "https://medlineplus.gov/lupus.html"},
        {"title": "NIAMS: Lupus", "url": "https://www.niams.nih.gov/health-topics/lupus"}]
    assert "modified" not in data  # the file's time is never shown


def test_an_overdue_page_is_served_with_a_calm_note(client: TestClient) -> None:
    response = client.get("/living-with-lupus/overdue")
    page = soup(response)
    note = page.select_one(".review-due")
    assert note is not None and text_of(note).startswith("This page is due for review")
    assert "Next review due: 1 January 2020" in text_of(page.select_one(".review"))
    data = client.get("/api/pages/living-with-lupus/overdue").json()
    assert data["review_due"] is True


def test_pages_without_review_dates_show_no_review_line(client: TestClient) -> None:
    page = soup(client.get("/about-us"))
    assert page.select_one(".review") is None and page.select_one(".review-due") is None
    data = client.get("/api/pages/about-us").json()
    assert (data["last_reviewed"], data["next_review"], data["review_due"], data["sources"]) == (
        None, None, False, [])


def test_sources_show_as_a_reference_list_of_plain_links(client: TestClient) -> None:
    page = soup(client.get("/treating-lupus/testamab"))
    listing = page.select_one(".article-body ul.sources-list")
    assert listing is not None
    links = listing.select("a")
    assert [a["href"] for a in links] == ["https://medlineplus.gov/lupus.html",
                                          "https://www.niams.nih.gov/health-topics/lupus"]
    assert all(not a.get("target") for a in links)  # they open like any other link
    assert page.select(".toc a[href='#sources']")
    # Only the Sources list is a reference list.
    assert len(page.select(".sources-list")) == 1


def test_sources_are_not_searchable_page_text(client: TestClient) -> None:
    data = client.get("/api/search", params={"q": "niams"}).json()
    assert data["total"] == 0


def test_section_lists_pages_by_order_then_title(client: TestClient) -> None:
    expected = ["Zebra Care", "Apple Days", "Aardvark Tips", "Banana Notes", "Old Advice"]
    data = client.get("/api/sections/living-with-lupus").json()
    assert [p["title"] for p in data["pages"]] == expected
    assert [p["order"] for p in data["pages"]] == [1, 2, None, None, None]
    page = soup(client.get("/sections/living-with-lupus"))
    assert [a.get_text() for a in page.select(".page-list h2 a")] == expected
    sitemap = client.get("/api/sitemap").json()
    group = next(g for g in sitemap["groups"] if g["slug"] == "living-with-lupus")
    assert [p["title"] for p in group["pages"]] == expected


def test_home_links_the_start_page_when_it_exists(client: TestClient, tmp_path: Path) -> None:
    page = soup(client.get("/"))
    start = page.select_one(".start-here a[href='/lupus-symptoms/what-is-lupus']")
    assert start is not None and start.get_text() == "What Is Lupus?"
    assert client.get("/api").json()["start"]["url"] == "/lupus-symptoms/what-is-lupus"
    without = {k: v for k, v in PAGES.items() if "what-is-lupus" not in k}
    with build_app(tmp_path, without) as other:
        assert soup(other.get("/")).select_one(".start-here") is None
        assert other.get("/api").json()["start"] is None


def test_one_is_singular(client: TestClient) -> None:
    home = soup(client.get("/"))
    cards = {text_of(a.select_one(".card-title")): text_of(a.select_one(".count"))
             for a in home.select(".cards a")}
    assert cards["Lupus Symptoms"] == "1 page" and cards["Living with Lupus"] == "5 pages"
    section = soup(client.get("/sections/lupus-symptoms"))
    assert "1 page." in text_of(section.select_one("main p"))
    effect = soup(client.get("/side-effects/pml"))
    assert "1 drug page lists this side effect" in text_of(effect)
    pills = [text_of(a) for a in home.select(".pills a")]
    assert "PML 1 drug" in pills and not any("1 drugs" in p for p in pills)
    assert "drugs" not in text_of(soup(client.get("/side-effects")).select_one(".pills a"))


def test_wording_helpers() -> None:
    assert [counted(n, "drug") for n in (0, 1, 2)] == ["0 drugs", "1 drug", "2 drugs"]
    assert counted(1, "side effect") == "1 side effect"
    assert date_in_words("2027-02-03") == "3 February 2027"


def test_side_effects_show_the_pages_capitals(client: TestClient) -> None:
    box = soup(client.get("/treating-lupus/testamab")).select_one(".side-effect-box")
    assert [a.get_text() for a in box.select("dd a")] == [
        "Rash", "Cough", "PML", "Hepatitis B flare"]
    effect = client.get("/api/side-effects/hepatitis-b-flare").json()
    assert (effect["effect"], effect["label"]) == ("hepatitis b flare", "Hepatitis B flare")
    assert soup(client.get("/side-effects/pml")).h1.get_text() == "PML"
    index = client.get("/api/side-effects").json()
    labels = {e["effect"]: e["label"] for g in index["systems"] for e in g["effects"]}
    assert labels["pml"] == "PML" and labels["rash"] == "Rash"
    facets = client.get("/api/search", params={"q": "testamab"}).json()["facets"]["effect"]
    assert {v["value"]: v["label"] for v in facets}["pml"] == "PML"


def test_body_systems_show_plain_labels_with_keys_kept(client: TestClient) -> None:
    box = soup(client.get("/treating-lupus/testamab")).select_one(".side-effect-box")
    assert [dt.get_text() for dt in box.select("dt")] == ["Skin", "Lungs and breathing",
                                                          "Infections"]
    page = client.get("/api/pages/treating-lupus/testamab").json()
    assert [(g["system"], g["label"]) for g in page["side_effects"]] == [
        ("Dermatologic", "Skin"), ("Respiratory", "Lungs and breathing"),
        ("Infections", "Infections")]
    drugs = client.get("/api/drugs").json()
    assert drugs["systems"] == ["Dermatologic", "Respiratory", "Infections"]
    assert drugs["system_labels"] == ["Skin", "Lungs and breathing", "Infections"]
    headers = [text_of(th) for th in soup(client.get("/drugs")).select("thead th")]
    assert headers == ["Drug", "Skin", "Lungs and breathing", "Infections"]  # no counts
    cell = drugs["drugs"][0]["cells"][2]
    assert (cell["system"], cell["label"], cell["effect_labels"]) == (
        "Infections", "Infections", ["Hepatitis B flare", "PML"])
    groups = client.get("/api/side-effects").json()["systems"]
    assert [(g["system"], g["label"]) for g in groups][:2] == [
        ("Dermatologic", "Skin"), ("Respiratory", "Lungs and breathing")]
    index = soup(client.get("/side-effects"))
    assert [h.get_text() for h in index.select("main section h2")] == [
        "Skin", "Lungs and breathing", "Infections"]
    rash = soup(client.get("/side-effects/rash"))
    assert [text_of(li) for li in rash.select(".effect-lines li")] == ["Skin: rash"]
    assert client.get("/api/side-effects/rash").json()["drugs"][0]["system_labels"] == ["Skin"]


def test_search_facets_chips_and_results_use_labels(client: TestClient) -> None:
    data = client.get("/api/search", params={"q": "testamab", "system": "Dermatologic"}).json()
    systems = {v["value"]: v["label"] for v in data["facets"]["system"]}
    assert systems == {"Dermatologic": "Skin", "Respiratory": "Lungs and breathing",
                       "Infections": "Infections"}
    assert [(c["value"], c["label"]) for c in data["chips"]] == [("Dermatologic", "Skin")]
    pairs = data["results"][0]["side_effects"]
    assert {"system": "Dermatologic", "effect": "rash", "system_label": "Skin",
            "label": "Rash"} in pairs
    page = soup(client.get("/search", params={"q": "testamab", "system": "Dermatologic"}))
    chosen = page.select_one('a.facet-value[data-facet="system"][aria-checked="true"]')
    assert chosen["data-value"] == "Dermatologic" and "Skin" in chosen.get_text()
    chip = page.select_one(".chips a")
    assert text_of(chip).startswith("Skin") and "system=" not in chip["href"]  # removes it
    # A label typed in the address is understood as its key.
    by_label = client.get("/api/search", params={"q": "testamab", "system": "Skin"}).json()
    assert by_label["filters"]["system"] == ["Dermatologic"] and by_label["total"] == 1


def test_a_page_becomes_due_on_the_day_after_its_review_date_despite_caches(
        client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    url = "/treating-lupus/testamab"  # next review 2027-12-01
    monkeypatch.setattr(AppState, "today", lambda self: date(2027, 12, 1))
    first = client.get(url)
    assert soup(first).select_one(".review-due") is None
    etag = first.headers["etag"]
    assert client.get(url, headers={"if-none-match": etag}).status_code == 304
    monkeypatch.setattr(AppState, "today", lambda self: date(2027, 12, 2))
    later = client.get(url, headers={"if-none-match": etag})
    assert later.status_code == 200 and later.headers["etag"] != etag
    assert soup(later).select_one(".review-due") is not None
    assert client.get("/api/pages" + url).json()["review_due"] is True
