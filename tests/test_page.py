"""HTML file -> Page: the article only, headings with anchors, clear errors."""

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from indexer.page import PageError, Source, decode_html, parse_html, parse_page

from .conftest import CONTENT, FIXTURES

OLD_SITE = FIXTURES / "old-site"


def parse(html: str, relative: str = "treating-lupus/x.html"):
    return parse_html(html, relative, modified=datetime.now(UTC), content_hash="x")


def test_ivig_page_record() -> None:
    page = parse_page(CONTENT / "other-drugs/ivig.html", CONTENT)
    assert page.url == "/other-drugs/ivig"
    assert (page.section, page.section_title) == ("other-drugs", "Other Drugs")
    assert page.title == "Intravenous Immunoglobulins (IVIG)"
    assert page.drug == "IVIG"
    assert "Gammagard" in page.keywords
    assert page.description and page.content_hash and page.modified
    assert any(h.anchor == "possible-side-effects" for h in page.headings)
    assert page.warning_signs and any("hives" in w for w in page.warning_signs)


def test_old_site_chrome_stays_out() -> None:
    page = parse_page(OLD_SITE / "treating-lupus/old-style-drug.html", OLD_SITE)
    assert page.title == "Leflunomide"
    text = page.body.lower()
    for chrome in ("sitemap", "copyright", "newsletter", "psychological issues", "tracker",
                   "lupus help online", "menu"):
        assert chrome not in text, chrome
    assert "blood tests to check your liver" in text
    assert page.description.startswith("Leflunomide is a pill")  # first paragraph
    assert {(e.system, e.effect) for e in page.side_effects} >= {
        ("Gastrointestinal", "diarrhea"), ("Dermatologic", "hair thinning"),
        ("Other", "odd feeling")}
    assert any("unknown body system" in w for w in page.warnings)


def test_old_site_article_inside_main() -> None:
    page = parse_page(OLD_SITE / "psychological-issues/old-style-article.html", OLD_SITE)
    assert page.title == "Feeling Lonely"
    assert "sitemap" not in page.body.lower()
    assert "popular" not in page.body.lower()
    assert [h.anchor for h in page.headings] == ["small-steps"]


def test_title_falls_back_to_title_tag_without_site_suffix() -> None:
    body = "<p>" + "word " * 40 + "</p>"
    head = "<head><title>Joint Care | Old Site</title></head>"
    page = parse(f"<html>{head}<body>{body}</body></html>")
    assert page.title == "Joint Care"


def test_duplicate_headings_get_unique_anchors() -> None:
    html = ("<html><body><article><h1>T</h1><p>" + "text " * 30 + "</p><h2>Tips</h2><p>a</p>"
            "<h2>Tips</h2><p>b</p></article></body></html>")
    assert [h.anchor for h in parse(html).headings] == ["tips", "tips-2"]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b"\x00\x01\x02binary\xff\xfe", "binary"),
        (b"<html><body><p>caf\xe9 au lait</p></body></html>", "not valid UTF-8"),
    ],
)
def test_unreadable_files_raise_clear_errors(data: bytes, reason: str) -> None:
    with pytest.raises(PageError, match=reason):
        decode_html(data, "x.html")


def test_declared_legacy_charset_is_read_with_a_warning() -> None:
    text, warnings = decode_html(
        b'<html><head><meta charset="windows-1252"></head><body>caf\xe9</body></html>', "x.html")
    assert "café" in text and "windows-1252" in warnings[0]


def test_pages_without_title_or_text_are_errors(tmp_path: Path) -> None:
    with pytest.raises(PageError, match="no title"):
        parse("<html><body><p>" + "word " * 40 + "</p></body></html>")
    with pytest.raises(PageError, match="empty body"):
        parse("<html><head><title>T</title></head><body><h1>T</h1><p>Short.</p></body></html>")


REVIEWED_PAGE = """<html><head><title>Reviewed</title>
<meta name="last-reviewed" content="{last}">
<meta name="next-review" content="{next}">
<meta name="order" content="{order}">
<meta name="description" content="A page for tests.">
</head><body><article><h1>Reviewed</h1>
<p>{words}<a href="/other-drugs/ivig">IVIG</a></p>
<h2>Tips</h2><p>Tip text about rest and water.</p>
{sources}
</article></body></html>"""
SOURCES_LIST = """<h2 id="sources">Sources</h2>
<p>We checked this page against these sources.</p>
<ul>
<li><a href="https://medlineplus.gov/druginfo/meds/a682167.html">MedlinePlus: Azathioprine</a></li>
<li><a href="https://www.niams.nih.gov/health-topics/lupus">NIAMS: Lupus</a></li>
<li>A leaflet without a link</li>
</ul>"""


def reviewed(last: str = "2026-12-01", next_: str = "2028-12-01", order: str = "",
             sources: str = SOURCES_LIST) -> str:
    return REVIEWED_PAGE.format(last=last, next=next_, order=order, words="word " * 30,
                                sources=sources)


def test_review_dates_order_and_sources_are_read() -> None:
    page = parse(reviewed(order="2"))
    assert page.last_reviewed == date(2026, 12, 1)
    assert page.next_review == date(2028, 12, 1)
    assert page.order == 2
    assert page.sources == [
        Source("MedlinePlus: Azathioprine", "https://medlineplus.gov/druginfo/meds/a682167.html"),
        Source("NIAMS: Lupus", "https://www.niams.nih.gov/health-topics/lupus"),
        Source("A leaflet without a link", ""),
    ]
    assert not page.warnings


def test_sources_section_is_not_indexed_text_or_internal_links() -> None:
    page = parse(reviewed())
    everything = " ".join([page.body, page.prose, *(s.text for s in page.sections),
                           *(h.text for h in page.headings)])
    for word in ("MedlinePlus", "NIAMS", "leaflet", "checked this page", "Sources"):
        assert word not in everything, word
    assert [h.anchor for h in page.headings] == ["tips"]
    assert page.links == ["/other-drugs/ivig"]
    assert "Tip text" in page.body  # the part before Sources stays


def test_sources_heading_found_by_its_text_and_stops_at_the_next_h2() -> None:
    sources = ('<section><h2>Sources:</h2><ul><li><a href="https://www.nhs.uk/conditions/lupus/">'
               "NHS: Lupus</a></li></ul></section><h2>After</h2><p>Closing words here.</p>")
    page = parse(reviewed(sources=sources))
    assert page.sources == [Source("NHS: Lupus", "https://www.nhs.uk/conditions/lupus/")]
    assert [h.anchor for h in page.headings] == ["tips", "after"]
    assert "Closing words" in page.body and "NHS" not in page.body


def test_pages_without_review_metadata_have_none() -> None:
    page = parse(reviewed(last="", next_="", sources=""))
    assert (page.last_reviewed, page.next_review, page.order, page.sources) == (
        None, None, None, [])
    assert not page.warnings


@pytest.mark.parametrize(
    ("meta", "bad"),
    [({"last": "2026-13-01"}, "last-reviewed date '2026-13-01'"),
     ({"next_": "1 Dec 2027"}, "next-review date '1 Dec 2027'"),
     ({"next_": "2027-02-30"}, "next-review date '2027-02-30'"),
     ({"next_": "20271201"}, "next-review date '20271201'"),
     ({"order": "first"}, "order 'first'")],
)
def test_malformed_review_metadata_is_none_with_a_warning(meta: dict, bad: str) -> None:
    page = parse(reviewed(**meta))
    assert any(bad in w for w in page.warnings), page.warnings
    name = next(iter(meta))
    value = {"last": page.last_reviewed, "next_": page.next_review, "order": page.order}[name]
    assert value is None
