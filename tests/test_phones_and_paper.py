"""Issue 18 through the real app (TestClient) on a real index of the guide: hashed static
files, link previews, redirects and the helpful 404, /sections, the drugs table and the
compare view, side-effect pages and filters in HTML."""

from __future__ import annotations

import gzip
import re
import zlib

import pytest
from bs4 import BeautifulSoup
from starlette.testclient import TestClient

from guide_site.static_files import IMMUTABLE, STATIC_DIR, hashed_name
from guide_site.views import missing
from guide_site.views.layout import shortened, split_facet

DRUG = "/treating-lupus/methotrexate"


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "lxml")


def meta(page: BeautifulSoup, key: str) -> str | None:
    tag = page.find("meta", attrs={"property": key}) or page.find("meta", attrs={"name": key})
    return tag["content"] if tag else None


# Static files ----------------------------------------------------------------------------------

def test_static_files_are_linked_by_content_hash_and_kept_a_year(client: TestClient) -> None:
    page = soup(client.get("/"))
    css = page.select_one("link[rel=stylesheet]")["href"]
    js = page.select_one("script[src]")["src"]
    assert re.fullmatch(r"/static/style\.[0-9a-f]{10}\.css", css), css
    assert re.fullmatch(r"/static/search\.[0-9a-f]{10}\.js", js), js
    hashed = client.get(css)
    assert hashed.status_code == 200 and hashed.headers["cache-control"] == IMMUTABLE
    assert hashed.headers["content-type"].startswith("text/css")
    plain = client.get("/static/style.css")  # the plain name still works, asked again each time
    assert plain.status_code == 200 and plain.content == hashed.content
    assert "immutable" not in plain.headers["cache-control"]
    assert css == "/static/" + hashed_name("style.css", plain.content)
    assert client.get("/static/style.0123456789.css").status_code == 404


def test_static_files_are_compressed_validated_and_sent_as_asked(client: TestClient) -> None:
    plain_bytes = (STATIC_DIR / "search.js").read_bytes()
    packed = client.get("/static/search.js", headers={"accept-encoding": "gzip"})
    assert packed.headers["content-encoding"] == "gzip" and packed.content == plain_bytes
    assert int(packed.headers["content-length"]) < len(plain_bytes) / 2
    assert packed.headers["vary"] == "Accept-Encoding"
    assert packed.headers["content-type"] == "text/javascript; charset=utf-8"
    unpacked = client.get("/static/search.js", headers={"accept-encoding": "identity"})
    assert "content-encoding" not in unpacked.headers and unpacked.content == plain_bytes
    current = client.get("/static/search.js", headers={"if-none-match": packed.headers["etag"]})
    assert current.status_code == 304 and not current.content
    assert current.headers["cache-control"] == "public, no-cache"
    stale = client.get("/static/search.js", headers={"if-none-match": '"0123456789abcdef"'})
    assert stale.status_code == 200 and stale.content == plain_bytes
    head = client.head("/static/search.js", headers={"accept-encoding": "identity"})
    assert head.status_code == 200 and not head.content
    assert head.headers["content-length"] == str(len(plain_bytes))


def test_static_files_are_compressed_once_not_per_request(
        client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_compression(*args: object, **kwargs: object) -> None:
        raise AssertionError("a static file was compressed while answering a request")

    for module, name in ((zlib, "compressobj"), (zlib, "compress"), (gzip, "compress")):
        monkeypatch.setattr(module, name, no_compression)
    for name in ("style.css", "search.js"):
        response = client.get("/static/" + name, headers={"accept-encoding": "gzip"})
        assert response.headers["content-encoding"] == "gzip"
        assert response.content == (STATIC_DIR / name).read_bytes()


def test_every_script_and_stylesheet_of_a_guide_page_is_hashed(client: TestClient) -> None:
    page = soup(client.get(DRUG))  # a guide page: it carries the feedback box and its script
    links = [tag["src"] for tag in page.select("script[src]")]
    links += [tag["href"] for tag in page.select("link[rel=stylesheet], link[rel=icon]")]
    assert any("feedback" in link for link in links), links
    for link in links:
        assert re.fullmatch(r"/static/[a-z-]+\.[0-9a-f]{10}\.(css|js|svg)", link), link
        assert client.get(link).headers["cache-control"] == IMMUTABLE, link


# Link previews ---------------------------------------------------------------------------------

def test_pages_carry_open_graph_and_twitter_tags(client: TestClient) -> None:
    page = soup(client.get(DRUG + "?highlight=folic"))
    assert meta(page, "og:title") == "Methotrexate"
    assert meta(page, "og:type") == "article"
    assert meta(page, "og:url") == f"http://testserver{DRUG}"  # without the marked words
    assert meta(page, "og:description").startswith("What to know about methotrexate")
    assert meta(page, "og:site_name") == "Lupus Guide"
    assert meta(page, "twitter:card") == "summary"
    assert meta(page, "twitter:title") == "Methotrexate"
    home = soup(client.get("/"))
    assert meta(home, "og:type") == "website" and meta(home, "og:url") == "http://testserver/"
    results = soup(client.get("/search", params={"q": "rash", "fragment": "0"}))
    assert meta(results, "og:url") == "http://testserver/search?q=rash"
    assert meta(soup(client.get("/nope")), "og:url") is None  # a 404 repeats no address


def test_a_cached_page_is_never_served_with_another_hosts_address(client: TestClient) -> None:
    evil = soup(client.get(DRUG, headers={"host": "evil.example"}))
    assert meta(evil, "og:url") == f"http://evil.example{DRUG}"
    ours = soup(client.get(DRUG))
    assert meta(ours, "og:url") == f"http://testserver{DRUG}"


def test_print_address_and_page_tools_on_guide_pages(client: TestClient) -> None:
    page = soup(client.get(DRUG))
    assert page.select_one(".print-address").get_text() == f"This page: http://testserver{DRUG}"
    tools = page.select_one("[data-page-tools]")
    assert tools.has_attr("hidden")  # shown by the script, which they need
    assert tools.select_one("[data-print]") and tools.select_one("[data-share][data-copy]")


# No dead ends -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("asked", "target"), [
    ("/treating-lupus", "/sections/treating-lupus"),
    ("/living-with-lupus", "/sections/living-with-lupus"),
    ("/about", "/about-us"),
    ("/contact", "/contact-us"),
    ("/symptoms", "/sections/lupus-symptoms"),
    ("/Drugs", "/drugs"),
    ("/SECTIONS/Treating-Lupus", "/sections/treating-lupus"),
    ("/treating-lupus/methotrexate.html", DRUG),
    ("/Treating-Lupus/Methotrexate", DRUG),
    ("/side-effects/headaches", "/side-effects/headache"),
    ("/treating-lupus?from=old-site", "/sections/treating-lupus?from=old-site"),
])
def test_obvious_addresses_redirect(client: TestClient, asked: str, target: str) -> None:
    response = client.get(asked, follow_redirects=False)
    assert response.status_code == 301, (asked, response.status_code)
    assert response.headers["location"] == target


@pytest.mark.parametrize("asked", ["/nope", "/%2F%2Fevil.example", "/evil.example/about",
                                   "/static/style.missing.css", "/sections/nope"])
def test_other_addresses_are_not_redirected(client: TestClient, asked: str) -> None:
    response = client.get(asked, follow_redirects=False)
    assert response.status_code == 404, asked
    assert "location" not in response.headers


def test_the_404_page_offers_the_best_pages_for_the_address(client: TestClient) -> None:
    response = client.get("/treating-lupus/methotrexat")
    assert response.status_code == 404
    page = soup(response)
    offered = [a["href"] for a in page.select(".offered li a")]
    assert offered[0] == DRUG
    assert "methotrexat" not in page.select_one("main").get_text()  # never echoed
    more = page.select_one(".offered p a")["href"]
    assert more.startswith("/search?q=methotrexat")
    nothing = soup(client.get("/qqqzzzxx"))
    assert not nothing.select(".offered")
    assert client.get("/api/pages/treating-lupus/methotrexat").json()["error"]  # JSON: as ever


def test_a_404_that_cannot_search_is_still_a_404(client: TestClient,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args, **kwargs):
        raise RuntimeError("the search failed")

    monkeypatch.setattr(missing, "search", broken)
    response = client.get("/treating-lupus/methotrexat")
    assert response.status_code == 404 and "We could not find that page" in response.text


def test_sections_are_listed(client: TestClient) -> None:
    data = client.get("/api/sections").json()
    assert [s["slug"] for s in data["sections"]][:3] == [
        "lupus-symptoms", "diagnosing-lupus", "treating-lupus"]
    page = soup(client.get("/sections"))
    assert [a["href"] for a in page.select("main .cards a")] == [
        s["url"] for s in data["sections"]]
    assert "<loc>http://testserver/sections</loc>" in client.get("/sitemap.xml").text
    assert soup(client.get("/")).select_one("footer a[href='/sections']")


def test_navigation_marks_the_current_section(client: TestClient) -> None:
    marked = soup(client.get(DRUG)).select(".sections-nav a[aria-current]")
    assert [(a.get_text(), a["aria-current"]) for a in marked] == [("Treating Lupus", "true")]
    marked = soup(client.get("/sections/other-drugs")).select(".sections-nav a[aria-current]")
    assert [(a.get_text(), a["aria-current"]) for a in marked] == [("Other Drugs", "page")]
    assert not soup(client.get("/drugs")).select(".sections-nav a[aria-current]")


# Drugs, compare, side effects --------------------------------------------------------------------

def test_the_drugs_table_lists_effects_as_words(client: TestClient) -> None:
    page = soup(client.get("/drugs"))
    headers = [th.get_text(strip=True) for th in page.select("table.drug-grid thead th")]
    assert headers[:3] == ["Drug", "Skin", "Stomach and gut"] and "All" not in headers
    cells = [td.get_text(" ", strip=True) for td in page.select("table.drug-grid tbody td")]
    assert not [c for c in cells if re.match(r"\d", c)], "a cell shows a count"
    ivig = next(tr for tr in page.select("table.drug-grid tbody tr")
                if tr.select_one("th").get_text(strip=True) == "IVIG")
    assert ivig.select_one("th a")["href"] == "/other-drugs/ivig#possible-side-effects"
    assert "/side-effects/headache" in [a["href"] for a in ivig.select("td a")]
    data = client.get("/api/drugs").json()
    row = next(d for d in data["drugs"] if d["url"] == "/other-drugs/ivig")
    assert {"effect": "headache", "label": "Headache",
            "url": "/side-effects/headache"} in [link for c in row["cells"] for link in c["links"]]


def test_compare_two_drugs(client: TestClient) -> None:
    data = client.get("/api/drugs/compare", params={"a": "methotrexate",
                                                    "b": "azathioprine"}).json()
    assert [d["name"] for d in data["compared"]] == ["Methotrexate", "Azathioprine"]
    assert "nausea" in [e["effect"] for e in data["in_both"]]
    skin = next(r for r in data["rows"] if r["system"] == "Dermatologic")
    assert skin["label"] == "Skin" and len(skin["cells"]) == 2
    page = soup(client.get("/drugs/compare", params={"a": "methotrexate", "b": "azathioprine"}))
    assert page.h1.get_text() == "Methotrexate and Azathioprine"
    assert page.select_one("#compare-a option[selected]")["value"] == "methotrexate"
    unknown = client.get("/api/drugs/compare", params={"a": "methotrexat", "b": "ivig"}).json()
    assert unknown["unknown"] == ["methotrexat"] and unknown["compared"] == []
    assert client.get("/api/drugs/compare", params={"a": "x" * 101}).status_code == 400
    empty = client.get("/drugs/compare")
    assert empty.status_code == 200 and len(soup(empty).select("#compare-b option")) > 10


def test_a_side_effect_page_quotes_the_line_and_gives_the_warning_signs(
        client: TestClient) -> None:
    data = client.get("/api/side-effects/headache").json()
    ivig = next(d for d in data["drugs"] if d["url"] == "/other-drugs/ivig")
    assert ivig["lines"] == ["Neurologic: headache, dizziness, aseptic meningitis"]
    assert ivig["side_effects_url"] == "/other-drugs/ivig#possible-side-effects"
    assert any("stiff neck" in sign for sign in ivig["warning_signs"])
    page = soup(client.get("/side-effects/headache"))
    assert "Listed under" not in page.get_text()
    card = next(li for li in page.select(".effect-drug") if "IVIG" in li.h2.get_text())
    assert [li.get_text() for li in card.select(".effect-lines li")] == ivig["lines"]
    assert card.select_one(f"a[href='{ivig['side_effects_url']}']")
    assert len(card.select(".warning-signs li")) == len(ivig["warning_signs"])


# Filters ----------------------------------------------------------------------------------------

def test_each_facet_shows_five_values_and_the_rest_behind_show_more(client: TestClient) -> None:
    q = "can i get pregnant on methotrexate"
    data = client.get("/api/search", params={"q": q}).json()
    page = soup(client.get("/search", params={"q": q}))
    panel = page.select_one("details.filter-panel")
    assert panel.select_one("summary").get_text(strip=True) == "Filter results"
    assert not panel.has_attr("open")
    effects = panel.select_one("nav.facet[aria-label='Side effect']")
    first = effects.select(":scope > ul a.facet-value")
    rest = effects.select("details.more-values a.facet-value")
    assert len(first) == 5 and len(first) + len(rest) == len(data["facets"]["effect"])
    summary = effects.select_one("details.more-values summary").get_text(" ", strip=True)
    assert summary.startswith(f"Show {len(rest)} more")
    # Same values, same counts, same order as the JSON: hiding changes no count.
    shown = [(a["data-value"], int(a.select_one(".count").get_text())) for a in first + rest]
    assert shown == [(v["value"], v["count"]) for v in data["facets"]["effect"]]
    # The filters come before the results, so a phone shows the button above them.
    assert str(page).index("filter-panel") < str(page).index('class="results"')


def test_drug_facets_only_when_the_results_hold_drug_pages(client: TestClient) -> None:
    q = "talking to family"
    data = client.get("/api/search", params={"q": q}).json()
    assert data["facets"]["effect"] and not any(r["side_effects"] for r in data["results"])
    page = soup(client.get("/search", params={"q": q}))
    assert [n["aria-label"] for n in page.select("nav.facet")] == ["Section"]
    chosen = soup(client.get("/search", params={"q": q, "effect": data["facets"]["effect"][0][
        "value"]}))
    assert "Side effect" in [n["aria-label"] for n in chosen.select("nav.facet")]


def test_split_facet_keeps_chosen_values_in_sight() -> None:
    values = [{"value": str(i), "selected": i == 9} for i in range(12)]
    first, rest = split_facet(values)
    assert [v["value"] for v in first] == ["0", "1", "2", "3", "4", "9"]
    assert [v["value"] for v in rest] == ["5", "6", "7", "8", "10", "11"]
    assert split_facet(values[:6]) == (values[:6], [])  # "Show 1 more" would hide nothing


def test_long_searches_are_shortened_in_headings(client: TestClient) -> None:
    words = "joint pain " * 40
    page = soup(client.get("/search", params={"q": words}))
    quoted = page.select_one(".results-heading q").get_text()
    assert quoted.endswith("…") and len(quoted) <= 81
    assert len(page.title.get_text()) < 100
    assert shortened("a short one") == "a short one"
    assert shortened("word " * 30, 20) == "word word word word…"
