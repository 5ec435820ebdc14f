"""The site through the real app (TestClient) on a real index of the guide (issue 4)."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from starlette.testclient import TestClient

from guide_site.app import create_app
from guide_site.settings import load_settings
from indexer.build import build_index, update_index

from .conftest import add_to_page, wait_for_generation

HTML_VIEWS = [
    ("/", "/api"),
    ("/search?q=headache+after+infusion", "/api/search?q=headache+after+infusion"),
    ("/other-drugs/ivig", "/api/pages/other-drugs/ivig"),
    ("/about-us", "/api/pages/about-us"),
    ("/sections/treating-lupus", "/api/sections/treating-lupus"),
    ("/side-effects", "/api/side-effects"),
    ("/side-effects/headache", "/api/side-effects/headache"),
    ("/drugs", "/api/drugs"),
    ("/sitemap", "/api/sitemap"),
]


def soup(response) -> BeautifulSoup:
    assert response.status_code == 200, response.text[:300]
    return BeautifulSoup(response.text, "lxml")


def result_links(page: BeautifulSoup) -> list[str]:
    return [a["href"].split("?")[0].split("#")[0] for a in page.select("li.result h2 a")]


def test_headache_after_infusion_finds_ivig_first(client: TestClient) -> None:
    data = client.get("/api/search", params={"q": "headache after infusion"}).json()
    first = data["results"][0]
    assert first["url"] == "/other-drugs/ivig"
    assert "<mark>" in first["snippet"]
    marked = {m.lower() for m in re.findall(r"<mark>(.*?)</mark>", first["snippet"])}
    assert marked & {"headache", "headaches"} and marked & {"infusion", "infusions"}
    assert "headache" in [v["value"] for v in data["facets"]["effect"]]
    assert set(data) >= {"query", "corrected_query", "total", "page", "per_page", "results",
                         "facets", "notice"}
    assert set(first) >= {"title", "url", "section", "section_title", "snippet", "score",
                          "side_effects"}
    page = soup(client.get("/search", params={"q": "headache after infusion"}))
    assert result_links(page)[0] == "/other-drugs/ivig"
    link = page.select_one("li.result h2 a")["href"]
    assert link.startswith("/other-drugs/ivig?highlight=") and "#" in link


def test_result_lands_on_the_best_heading_with_terms_marked(client: TestClient) -> None:
    data = client.get("/api/search", params={"q": "headache after infusion"}).json()
    link = data["results"][0]["link"]
    path, anchor = link.split("#")
    page = soup(client.get(path))
    assert page.find(id=anchor) is not None
    marks = [m.get_text().lower() for m in page.select(".article-body mark")]
    assert "headache" in marks or "headaches" in marks


def test_facet_filters_narrow_and_counts_add_up(client: TestClient) -> None:
    base = client.get("/api/search", params={"q": "infection"}).json()
    sections = base["facets"]["section"]
    assert sum(v["count"] for v in sections) <= base["total"]
    for value in sections:
        narrowed = client.get("/api/search", params={"q": "infection",
                                                     "section": value["value"]}).json()
        assert narrowed["total"] == value["count"]
        assert {r["section"] for r in narrowed["results"]} == {value["value"]}
    effect = base["facets"]["effect"][0]
    by_effect = client.get("/api/search", params={"q": "infection", "effect": effect["value"]})
    narrowed = by_effect.json()
    assert narrowed["total"] == effect["count"] < base["total"]
    assert all(effect["value"] in [s["effect"] for s in r["side_effects"]]
               for r in narrowed["results"])
    both = client.get("/api/search", params={"q": "infection", "effect": effect["value"],
                                             "system": "Gastrointestinal"}).json()
    assert both["total"] <= narrowed["total"]


def test_chosen_facets_show_as_removable_chips(client: TestClient) -> None:
    page = soup(client.get("/search", params={"q": "rash", "effect": "nausea",
                                              "section": "treating-lupus"}))
    chips = {a.get_text(" ", strip=True): a["href"] for a in page.select(".chips a")}
    assert len(chips) == 2
    for href in chips.values():
        assert "q=rash" in href
    assert any("section=" in h and "effect=" not in h for h in chips.values())
    checked = page.select('a.facet-value[aria-checked="true"]')
    assert {a["data-value"] for a in checked} == {"nausea", "treating-lupus"}
    # The search box searches new words within the same choices, also without script.
    hidden = page.select('form[role=search] input[type=hidden]')
    assert {(i["name"], i["value"]) for i in hidden} == {
        ("effect", "nausea"), ("section", "treating-lupus")}
    other = soup(client.get("/lupus-symptoms/fatigue"))
    assert not other.select('form[role=search] input[type=hidden]')


def test_paging(client: TestClient) -> None:
    first = client.get("/api/search", params={"q": "lupus"}).json()
    second = client.get("/api/search", params={"q": "lupus", "page": 2}).json()
    assert first["total"] > 10 and len(first["results"]) == 10
    assert not {r["url"] for r in first["results"]} & {r["url"] for r in second["results"]}
    assert client.get("/api/search", params={"q": "lupus", "page": 0}).status_code == 400
    assert client.get("/api/search", params={"q": "lupus", "page": "x"}).status_code == 400
    assert "whole numbers" in client.get("/api/search", params={"page": "x"}).json()["error"]


def test_zero_results_is_never_a_dead_end(client: TestClient) -> None:
    page = soup(client.get("/search", params={"q": "qqqzzzxx"}))
    text = page.get_text(" ")
    assert "No pages found" in text
    links = {a["href"] for a in page.select(".no-results a")}
    assert "/side-effects" in links and "/sections/treating-lupus" in links


@pytest.mark.parametrize(("html_url", "json_url"), HTML_VIEWS)
def test_every_html_view_has_a_json_twin_that_agrees(
    client: TestClient, html_url: str, json_url: str
) -> None:
    page = soup(client.get(html_url))
    alternate = page.find("link", rel="alternate", type="application/json")
    assert alternate is not None and alternate["href"] == json_url
    data = client.get(json_url).json()
    text = page.get_text(" ")
    if "results" in data:
        assert result_links(page) == [r["url"] for r in data["results"]]
        assert str(data["total"]) in text
    for key in ("title", "label"):
        if key in data:
            assert data[key] in text
    for item in data.get("pages", []) if isinstance(data.get("pages"), list) else []:
        assert item["title"] in text
    for drug in data.get("drugs", []):
        assert page.find("a", href=re.compile("^" + re.escape(drug["url"]))) is not None
    for group in data.get("systems", []):
        if isinstance(group, dict):  # people see the plain label, not the machine key
            assert group["label"] in text
    for label in data.get("system_labels", []):
        assert label in text
    for section in data.get("sections", []):
        count = section["count"]
        assert section["title"] in text and f"{count} page{'' if count == 1 else 's'}" in text


def test_drug_grid_cells_link_to_side_effects(client: TestClient) -> None:
    data = client.get("/api/drugs").json()
    assert len(data["drugs"]) >= 17
    ivig = next(d for d in data["drugs"] if d["url"] == "/other-drugs/ivig")
    counts = {c["system"]: c["count"] for c in ivig["cells"]}
    assert counts["Musculoskeletal"] == 4 and counts["Neurologic"] == 3
    assert sum(counts.values()) == ivig["total"] == 20


def test_side_effect_pages(client: TestClient) -> None:
    data = client.get("/api/side-effects/headache").json()
    assert "/other-drugs/ivig" in [d["url"] for d in data["drugs"]]
    index = client.get("/api/side-effects").json()
    neurologic = next(g for g in index["systems"] if g["system"] == "Neurologic")
    assert "headache" in [e["effect"] for e in neurologic["effects"]]
    assert client.get("/side-effects/not-an-effect").status_code == 404


def test_guide_page_layout(client: TestClient) -> None:
    page = soup(client.get("/other-drugs/ivig"))
    assert [a.get_text() for a in page.select(".breadcrumbs a")] == [
        "Home", "Other Drugs", "Intravenous Immunoglobulins (IVIG)"]
    assert page.select(".toc a[href='#possible-side-effects']")
    assert page.find(id="possible-side-effects") is not None
    box = page.select_one(".side-effect-box")
    assert "Headache" in [a.get_text() for a in box.select("dd a")]
    assert "Brain and nerves" in [dt.get_text() for dt in box.select("dt")]
    assert page.select(".related a")
    assert len(page.find_all("h1")) == 1


def test_disclaimer_and_landmarks_on_every_page(client: TestClient) -> None:
    for url in ["/", "/search?q=rash", "/other-drugs/ivig", "/drugs", "/nope", "/about-us"]:
        response = client.get(url)
        page = BeautifulSoup(response.text, "lxml")
        assert "not a substitute for professional medical advice" in page.get_text(" ")
        assert page.find("main") and page.find("header") and page.find("footer")
        assert page.select_one("a.skip-link[href='#main']")
        assert page.select_one("label[for=q]")
        footer = page.select_one("footer .disclaimer")
        assert footer.select_one("a[href='tel:911']")
        assert "your local emergency number" in footer.get_text()


def test_site_meta_routes(client: TestClient) -> None:
    assert "/other-drugs/ivig" in client.get("/sitemap.xml").text
    robots = client.get("/robots.txt").text
    assert "Sitemap:" in robots
    assert "Disallow: /admin/" in robots and "Disallow: /feedback" in robots
    assert "{searchTerms}" in client.get("/opensearch.xml").text
    status = client.get("/api/status").json()
    assert status["pages"] == len(list(Path("content").glob("*/*.html"))) and status["generation"]
    assert client.get("/healthz").json()["ok"] is True
    spec = client.get("/api/openapi.json").json()
    assert "/api/search" in spec["paths"]


def test_friendly_404_and_no_escape_from_content(client: TestClient) -> None:
    for url in ["/nope", "/other-drugs/nope", "/..%2f..%2fetc/passwd", "/static/../app.py",
                "/api/pages/..%2fsecrets", "/sections/nope"]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Traceback" not in response.text
    assert client.get("/api/pages/nope").json()["error"]


def test_hostile_input_is_handled_safely(client: TestClient) -> None:
    attack = '<script>alert(1)</script>"><img src=x onerror=alert(1)>'
    response = client.get("/search", params={"q": attack, "effect": attack, "section": attack})
    assert response.status_code == 200
    assert "<script>alert" not in response.text and "<img src=x" not in response.text
    assert "&lt;script&gt;" in response.text
    long = client.get("/api/search", params={"q": "headache " * 200})  # 1,800 characters
    assert long.status_code == 200 and long.json()["results"] and long.json()["truncated"]
    huge = client.get("/api/search", params={"q": "headache " * 1200})
    assert huge.status_code == 400 and "too long" in huge.json()["error"]
    assert client.get("/api/search", params={"q": '"unbalanced (( [ -'}).status_code == 200
    assert "default-src 'none'" in response.headers["content-security-policy"]


@pytest.mark.slow  # stress: searches from two threads while the index is rewritten 6 times
def test_a_reindex_is_picked_up_during_requests(content_copy: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    build_index(content_copy, index_dir)
    app = create_app(load_settings({}).with_paths(content_copy, index_dir))
    failures: list[str] = []
    answered: list[int] = []
    stop = threading.Event()
    with TestClient(app) as test_client:
        def hammer() -> None:
            while not stop.is_set():
                response = test_client.get("/api/search", params={"q": "headache after infusion"})
                answered.append(response.status_code)
                if response.status_code != 200:
                    failures.append(str(response.status_code))
                elif response.json()["results"][0]["url"] != "/other-drugs/ivig":
                    failures.append("wrong first result")

        threads = [threading.Thread(target=hammer) for _ in range(2)]
        for thread in threads:
            thread.start()
        page = content_copy / "lupus-symptoms/fatigue.html"
        for round_ in range(3):
            page.write_text(add_to_page(page.read_text(), f"<p>Wombatberry round {round_}.</p>"))
            update_index(content_copy, index_dir)
            build_index(content_copy, index_dir)
        during = len(answered)  # searches answered while the index was rewritten
        stop.set()
        for thread in threads:
            thread.join()
        assert during >= 6, "the searches never ran during the reindexing"
        wait_for_generation(test_client, 7)  # made ready in the background first
        found = test_client.get("/api/search", params={"q": "wombatberry"}).json()
        assert found["results"][0]["url"] == "/lupus-symptoms/fatigue"
    assert failures == []



def test_http_caching_etag_and_gzip(client: TestClient) -> None:
    first = client.get("/search", params={"q": "fatigue"}, headers={"accept-encoding": "gzip"})
    etag = first.headers["etag"]
    assert first.headers["content-encoding"] == "gzip"
    assert "no-cache" in first.headers["cache-control"]
    again = client.get("/search", params={"q": "fatigue"},
                       headers={"if-none-match": etag, "accept-encoding": "gzip"})
    assert again.status_code == 304 and again.content == b""
    other = client.get("/search", params={"q": "rash"}, headers={"accept-encoding": "gzip"})
    assert other.headers["etag"] != etag
    repeat = client.get("/search", params={"q": "fatigue"}, headers={"accept-encoding": "gzip"})
    assert repeat.text == first.text and repeat.headers["etag"] == etag


def test_etags_change_with_a_reindex(content_copy: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    build_index(content_copy, index_dir)
    with TestClient(create_app(load_settings({}).with_paths(content_copy, index_dir))) as c:
        before = c.get("/api/search", params={"q": "fatigue"}).headers["etag"]
        build_index(content_copy, index_dir)
        wait_for_generation(c, 2)
        after = c.get("/api/search", params={"q": "fatigue"}, headers={"if-none-match": before})
        assert after.status_code == 200 and after.headers["etag"] != before
