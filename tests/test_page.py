"""HTML file -> Page: the article only, headings with anchors, clear errors."""

import warnings
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from indexer.page import PageError, Source, decode_html, parse_html, parse_page

from .conftest import CONTENT, FIXTURES

OLD_SITE = FIXTURES / "old-site"


def parse(html: str, relative: str = "treating-lupus/x.html", reader=None):
    return parse_html(html, relative, modified=datetime(2026, 12, 1, tzinfo=UTC),
                      content_hash="x", reader=reader)


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


PERMALINK_PAGE = """<!DOCTYPE html><html><head><title>Data Structures</title></head><body>
<div class="body" role="main">
<h1><span class="section-number">5. </span>Data Structures<a class="headerlink"
 href="#data-structures" title="Permalink to this headline">¶</a></h1>
<p>Lists, sets and dictionaries, with a <a href="#more-on-lists">link to a part</a> and
plain words enough to make a page of it, about twenty words in all here.</p>
<h2 id="more-on-lists">More on Lists<a class="headerlink" href="#more-on-lists">¶</a></h2>
<dl><dt id="list.append">list.append(x)<a class="headerlink" href="#list.append">¶</a></dt>
<dd><p>Add an item.</p></dd></dl>
<h2>Tuples <a href="#tuples">#</a></h2><p>Fixed sequences.</p>
<h2><a class="anchor" aria-hidden="true" href="#sets"><svg class="octicon"></svg></a>Sets</h2>
<p>Unordered.</p>
<h3>Looping <a href="#looping">🔗</a></h3><p>Loops.</p>
<h3>Methods<a href="#methods" class="anchor">§</a></h3><p>Calls.</p>
<h3><a class="anchor" href="#keep" id="keep">Kept words</a></h3><p>Kept.</p>
</div></body></html>"""


@pytest.mark.parametrize("reader", ["lxml", "soup"])
def test_permalink_marks_leave_titles_headings_and_text(reader: str) -> None:
    page = parse_html(PERMALINK_PAGE, "reference/data.html", modified=datetime.now(UTC),
                      content_hash="x", reader=reader)
    assert page.title == "5. Data Structures"
    assert [h.text for h in page.headings] == [
        "More on Lists", "Tuples", "Sets", "Looping", "Methods", "Kept words"]
    assert [h.anchor for h in page.headings] == [
        "more-on-lists", "tuples", "sets", "looping", "methods", "kept-words"]
    everything = " ".join([page.title, page.body, *(s.heading for s in page.sections)])
    for mark in ("¶", "#", "🔗", "§"):
        assert mark not in everything, mark
    assert "list.append(x) Add an item." in " ".join(page.body.split())  # lines: blocks
    assert page.links == ["#more-on-lists", "#keep"]  # a real link, and an anchor with words


def test_parser_warnings_are_kept_as_notes_never_printed() -> None:
    xhtml = ('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML'
             ' 1.0 Strict//EN" "x.dtd">\n' + " " * 600 + '<html><head><title>T</title></head>'
             "<body><h1>T</h1><p>" + "word " * 30 + "</p></body></html>")
    with warnings.catch_warnings(record=True) as shown:
        warnings.simplefilter("always")
        soup = parse(xhtml, "reference/t.html", reader="soup")
        fast = parse(xhtml, "reference/t.html", reader="lxml")
    assert shown == []
    assert soup.parser_notes == [
        "XHTML or XML read as HTML (BeautifulSoup's XMLParsedAsHTMLWarning)"]
    assert fast.parser_notes == [] and fast == soup  # notes are not part of the record
