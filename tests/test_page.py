"""HTML file -> Page: the article only, headings with anchors, clear errors."""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from indexer.page import PageError, decode_html, parse_html, parse_page

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
