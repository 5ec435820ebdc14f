"""Search that never misleads (issue 15): partial matches only when no page has every word,
and never silently; whole words on a sent search; paging that adds up; clean links to share;
suggestions that land on the matching section."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from starlette.testclient import TestClient


def search(client: TestClient, **params) -> dict:
    response = client.get("/api/search", params=params)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize(("query", "page"), [
    ("eye exams", "/treating-lupus/hydroxychloroquine"),
    ("methotrexate folic acid", "/treating-lupus/methotrexate"),
    ("prednisone weight gain", "/treating-lupus/corticosteroids"),
])
def test_pages_with_every_word_are_never_called_partial(client: TestClient, query: str,
                                                        page: str) -> None:
    data = search(client, q=query)
    assert not data["relaxed"] and data["missing_words"] == []
    assert data["results"][0]["url"] == page
    html = client.get("/search", params={"q": query}).text
    assert "No page has all of your words" not in html
    assert "Pages with some of your words" not in html


def test_partial_matches_come_under_their_own_heading_and_name_the_missing_words(
        client: TestClient) -> None:
    query = "knitting patterns for joint pain"
    data = search(client, q=query)
    assert data["relaxed"] and data["total"] > 0
    assert data["missing_words"] == ["knitting"]
    page = BeautifulSoup(client.get("/search", params={"q": query}).text, "lxml")
    heading = page.select_one("#partial-heading")
    assert heading is not None and heading.get_text() == "Pages with some of your words"
    assert "knitting" in page.select_one(".partial .info").get_text()
    assert page.select_one('.partial a[href="/resources"]') is not None
    assert page.select(".partial li.result")


def test_site_pages_never_come_from_partial_matches(client: TestClient) -> None:
    for query in ("knee replacement surgery", "legal advice for my landlord dispute",
                  "contact my local council about parking"):
        data = search(client, q=query)
        if data["relaxed"]:
            assert all(r["section"] for r in data["results"]), (query, data["results"])


def test_a_chosen_filter_is_never_relaxed_away(client: TestClient) -> None:
    data = search(client, q="methotrexate pregnancy", section="psychological-issues")
    assert data["total"] == 0 and data["results"] == [] and not data["relaxed"]
    assert data["filters"]["section"] == ["psychological-issues"]


@pytest.mark.parametrize("query", ["lupus flare up", "flare up", "flare-up", "flareup"])
def test_a_sent_search_matches_whole_words(client: TestClient, query: str) -> None:
    data = search(client, q=query)
    top = [r["url"] for r in data["results"][:2]]
    assert set(top) == {"/lupus-symptoms/flares-and-warning-signs",
                        "/living-with-lupus/managing-flares"}, (query, top)
    assert not data["relaxed"]


def test_sle_means_lupus(client: TestClient) -> None:
    data = search(client, q="sle")
    assert data["results"][0]["url"] == "/lupus-symptoms/what-is-lupus"
    assert "/psychological-issues/sleep-problems" not in [r["url"] for r in data["results"][:3]]


def test_only_the_view_being_typed_completes_the_last_word(client: TestClient) -> None:
    sent = search(client, q="hair lo")
    assert sent["relaxed"] and sent["missing_words"] == ["lo"]  # "lo" is not a word of ours
    typed = client.get("/search", params={"q": "hair lo", "typing": "1", "fragment": "1"})
    shown = BeautifulSoup(typed.text, "lxml")
    assert shown.select_one("li.result a")["href"].startswith("/lupus-symptoms/hair-loss")
    assert shown.select_one("#partial-heading") is None  # "lo" completed: every word found
    # ...and the JSON API always means whole words (typing is not one of its parameters).
    assert search(client, q="hair lo", typing="1")["results"][:1] == sent["results"][:1]


def test_a_page_past_the_last_says_so(client: TestClient) -> None:
    data = search(client, q="lupus", page="2")
    pages = data["pages"]
    past = search(client, q="lupus", page=str(pages + 5))
    assert past["results"] == [] and past["pages"] == pages and past["past_end"]
    assert past["total"] == data["total"]
    response = client.get("/search", params={"q": "lupus", "page": str(pages + 5)})
    assert response.status_code == 404
    page = BeautifulSoup(response.text, "lxml")
    link = page.select_one(".past-end a")
    assert parse_qs(urlsplit(link["href"]).query)["page"] == [str(pages)]
    status = page.select_one(".result-count").get_text()
    assert f"the results end at page {pages}" in status and "of" not in status.split(";")[0][-4:]


@pytest.mark.parametrize(("page", "words"), [
    ("0", "whole numbers"), ("abc", "whole numbers"), ("99", "up to 50 pages")])
def test_bad_page_numbers_get_friendly_words(client: TestClient, page: str, words: str) -> None:
    response = client.get("/api/search", params={"q": "lupus", "page": page})
    assert response.status_code == 400 and words in response.json()["error"]


def test_copy_link_shares_the_section_without_the_search(client: TestClient) -> None:
    data = search(client, q="methotrexate pregnancy")
    first = data["results"][0]
    assert "highlight=" in first["link"]
    assert first["share_url"] == "/treating-lupus/methotrexate#pregnancy"
    page = BeautifulSoup(client.get("/search", params={"q": "methotrexate pregnancy"}).text,
                         "lxml")
    assert page.select_one("li.result button.copy-link")["data-copy"] == first["share_url"]
    assert page.select_one("li.result h2 a")["href"] == first["link"]


@pytest.mark.parametrize(("typed", "text", "url"), [
    ("plaquenil eye exam", "Hydroxychloroquine (Plaquenil) › Eye Exams",
     "/treating-lupus/hydroxychloroquine#eye-exams"),
    ("methotrexate pregnancy", "Methotrexate › Pregnancy",
     "/treating-lupus/methotrexate#pregnancy"),
])
def test_suggestions_land_on_the_section(client: TestClient, typed: str, text: str,
                                         url: str) -> None:
    rows = client.get("/api/suggest", params={"q": typed}).json()["suggestions"]
    assert {"text": text, "url": url, "kind": "section"}.items() <= rows[0].items(), rows[:3]
    plain = client.get("/api/suggest", params={"q": "methotrexate"}).json()["suggestions"]
    assert plain[0]["url"] == "/treating-lupus/methotrexate" and plain[0]["kind"] == "page"


def test_snippets_keep_list_items_apart(client: TestClient) -> None:
    data = search(client, q="shortness of breath chest pain sweating")
    snippet = next(r["snippet"] for r in data["results"]
                   if r["url"] == "/lupus-symptoms/heart-and-lung-problems")
    plain = snippet.replace("<mark>", "").replace("</mark>", "")
    assert " · " in plain
    assert "breath chest" not in plain and "or back sudden" not in plain, plain


def test_an_excluded_word_leaves_the_count_too(client: TestClient) -> None:
    every = search(client, q="headache")
    without = search(client, q="headache -infusion")
    urls = [r["url"] for r in without["results"]]
    assert "/other-drugs/ivig" not in urls
    assert 0 < without["total"] < every["total"]
    assert sum(v["count"] for v in without["facets"]["section"]) == without["total"]
