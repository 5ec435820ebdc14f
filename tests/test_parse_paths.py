"""The fast reader (lxml) gives the same `Page` as the reference (BeautifulSoup) on every
page of the guide, the old-site fixtures, the benchmark's synthetic guide, real-shaped
documentation pages (bench/realistic.py) and random tag soup."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.page import Page, PageError, decode_html, parse_html, parse_page

from .conftest import CONTENT, FIXTURES, ROOT
from .doc_pages import doc_page

sys.path.insert(0, str(ROOT / "bench"))
import realistic  # bench/ is not a package: found on the path added above
import synth

SYNTHETIC_PAGES = 1000  # the benchmark's smallest guide (page i is the same in every size)
REALISTIC_PAGES = 60  # the first pages of the realistic `mix` corpus
WHEN = datetime(2026, 12, 1, tzinfo=UTC)


def both(html: str, relative: str) -> tuple[Page | str, Page | str]:
    """The page as each reader makes it, or the reason it is refused."""
    out = []
    for reader in ("soup", "lxml"):
        try:
            out.append(parse_html(html, relative, modified=WHEN, content_hash="x",
                                  reader=reader))
        except PageError as error:
            out.append(f"refused: {error.reason}")
    return out[0], out[1]


def assert_same(html: str, relative: str) -> None:
    soup, fast = both(html, relative)
    assert fast == soup, relative


def files_of(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.html"))


@pytest.mark.parametrize("path", files_of(CONTENT), ids=lambda p: p.name)
def test_every_page_of_the_guide(path: Path) -> None:
    soup = parse_page(path, CONTENT, reader="soup")
    fast = parse_page(path, CONTENT, reader="lxml")
    assert fast == soup
    assert fast.headings and fast.body  # the comparison has something to compare


@pytest.mark.parametrize("path", files_of(FIXTURES / "old-site"), ids=lambda p: p.name)
def test_old_site_fixtures(path: Path) -> None:
    root = FIXTURES / "old-site"
    assert parse_page(path, root, reader="lxml") == parse_page(path, root, reader="soup")


def test_the_synthetic_guide() -> None:
    for index in range(SYNTHETIC_PAGES):
        relative, html, _ = synth.generate_page(index)
        assert_same(html, relative)


def test_real_shaped_documentation_pages() -> None:
    """Sphinx, MkDocs, Doxygen, httpd (also Korean and Japanese in their own encodings)
    and rustdoc pages, and each kind at 200 KB."""
    corpus = realistic.CORPORA["mix"]
    pages = [realistic.generate_page(corpus, index) for index in range(REALISTIC_PAGES)]
    pages += [(f"{kind}/long.html", realistic.one_page(200_000, kind))
              for kind in realistic.GENERATORS]
    encodings = set()
    for relative, data in pages:
        html, warnings = decode_html(data, relative)
        encodings.update(warnings)
        assert_same(html, relative)
    assert any("EUC-KR" in w for w in encodings) and any("Shift_JIS" in w for w in encodings)


WORDS = "plain words to make the text long enough for a page " * 3
EDGE_CASES = {
    "after </html>": f"<html><head><title>T</title></head></html><p>late {WORDS}</p>",
    "second html": f"<html><body><h1>T</h1><p>{WORDS}</p></body></html><p>late {WORDS}</p>",
    "comment tails": f"<h1>T<!-- c -->ail</h1><p>a<!-- c -->b {WORDS}<?pi x?>c</p>",
    "byte order mark": f"\ufeff<title>T</title><p>{WORDS}</p>",
    "nested headings": f"<h1>T</h1><p>{WORDS}</p><h2>a<h3>b</h3>c<h2>d</h2></h2><p>{WORDS}</p>",
    "empty headings": f'<h1>T</h1><p>{WORDS}</p><h2 id="kept"> </h2><p>x</p><h3></h3><p>y</p>',
    "permalinks": (f'<h1>T<a class="headerlink" href="#t">¶</a></h1><p>{WORDS}</p>'
                   '<h2>A <a href="#a">#</a></h2><p>x</p><h2>B<a class="anchor" href="#b">'
                   '🔗</a></h2><h3>C <a class="anchor" href="#c">real</a></h3><p>y</p>'),
    "sources nested": (f"<article><h1>T</h1><p>{WORDS}</p><div><h2>Sources:</h2><ul><li>"
                       '<a href="https://a.example">A</a> and <a href="/b">B</a></li>'
                       "<li>no link</li></ul><p>after</p></div><h2>Next</h2><p>z</p>"
                       "</article>"),
    "ruby": (f"<h1>T<ruby>字<rt>ji</rt></ruby></h1><p>{WORDS}"
             "<ruby>漢<rp>(</rp><rt>kan</rt></ruby></p>"),
    "chrome only": '<body><div class="sidebar"><h1>T</h1><p>words</p></div></body>',
    "comment only": "<!-- nothing else -->",
    "doctype inside": f"<h1>T</h1><p>{WORDS} one<!DOCTYPE html>two</p>",
    "title in ruby text": f"<rt><title>T</title></rt><p>{WORDS}</p>",
    "article in a template": f"<title>T</title><template><article>{WORDS}</article></template>",
    "300 deep": f"<h1>T</h1>{'<div>' * 300}<p>{WORDS}</p>{'</div>' * 300}<p>after</p>",
    "3,000 deep": f"<h1>T</h1>{'<div>' * 3000}<p>{WORDS}</p><p>never closed</p>",
    "lists after headings": (f"<h1>T</h1><p>{WORDS}</p><h2>Side Effects</h2><h3>x</h3>"
                             "<ul><li>Skin: rash</li></ul><h2>Possible side effects:</h2>"
                             "<ol><li>Eyes: <ul><li>dry eyes</li></ul></li></ol>"),
}


@pytest.mark.parametrize("html", EDGE_CASES.values(), ids=EDGE_CASES.keys())
def test_edge_cases(html: str) -> None:
    assert_same(html, "treating-lupus/edge.html")


def test_pages_deeper_than_libxml2_builds_are_read_with_beautifulsoup() -> None:
    """libxml2 stops building a tree 2,048 levels down (BeautifulSoup builds its own)."""
    page = parse_html(EDGE_CASES["3,000 deep"], "treating-lupus/deep.html", modified=WHEN,
                      content_hash="x", reader="lxml")
    assert "never closed" in page.body
    assert page.parser_notes == [
        "nested 2032 elements deep or more: read with BeautifulSoup"]


@pytest.mark.parametrize("scale", [1, 4])
def test_deeply_nested_pages(scale: int) -> None:
    assert_same(doc_page(scale), "reference/page.html")


# Random tag soup: tags opened and never closed, closed and never opened, nested where they
# should not be; every rule of the walk (chrome, permalinks, Sources, side-effect lists,
# ruby text, scripts, comments) has its tokens, between runs of text.
TAGS = [
    "<html>", "</html>", "<head>", "</head>", "<body>", "</body>", "<title>T | Site</title>",
    '<meta name="description" content="D">', '<meta name="DRUG" content="X">',
    '<meta name="keywords" content="a, b">', "<article>", "</article>", "<main>", "</main>",
    "<h1>", "</h1>", "<h2>", '<h2 id="sources">', '<h2 id="x">', "</h2>", "<h3>", "</h3>",
    "<p>", "</p>", "<ul>", "</ul>", "<ol>", "</ol>", "<li>", "</li>", "<div>", "</div>",
    '<div class="sidebar">', '<div id="footer">', '<div class="nav-main">', "<nav>",
    "</nav>", "<header>", "</header>", "<aside>", "<span>", "</span>", "<table><tr><td>",
    "</td></tr></table>", "<dl><dt>", "</dt><dd>", "</dd></dl>", "<pre>", "</pre>", "<br>",
    '<a href="/other-drugs/ivig">', '<a href="#top">', "<a>", "</a>",
    '<a class="headerlink" href="#x">¶</a>', '<a class="anchor" href="#y"></a>',
    '<a href="#z">#</a>', '<a class="anchor" href="#w">real words</a>',
    "<script>var s = '<p>';</script>", "<style>p { }</style>", "<template><p>t</p></template>",
    "<!-- note -->", "<?pi x?>", "<ruby>字<rt>ji</rt><rp>(</rp></ruby>", "<noscript>",
    "</noscript>", "<![CDATA[cdata text]]>", "<!DOCTYPE x>", '<html lang="x">',
    '<body class="nav">', "<svg><title>inner</title></svg>", "<math><mi>x</mi></math>",
    "<select><option>o</option></select>", "<textarea>t <p> x</textarea>", "<xmp>a <b> c</xmp>",
    "<iframe>if</iframe>", "<noembed>ne</noembed>", "<frameset>", "<plaintext>",
    "<table>loose text<tr>row text<td>cell</td></tr></table>", "<title>second</title>",
    '<meta name="section" content="other">', "<h2 id=''>", "<rt>", "</rt>", "<rp>",
    "<template>", "</template>", "<style>", "<script>", "<p/>", "<br/>",
]
TEXTS = [
    "Sources", "Possible Side Effects", "Side effects:", "Call your doctor if", "🔗", "¶",
    "Skin: rash, itching", "Stomach: nausea and vomiting", "Funny: odd", "&amp;", "&nbsp;",
    "&#169;", " ", "\n", "\t", "  ", "word", "Word words", "lupus flare", "ünïcödé", "한국어",
    "日本語", "one two three four five six seven eight nine ten eleven twelve",
]
SOUP = st.lists(st.sampled_from(TAGS) | st.sampled_from(TEXTS), max_size=80).map("".join)
PREFIXES = st.sampled_from(["", "\ufeff", '<?xml version="1.0" encoding="utf-8"?>\n',
                            "<!DOCTYPE html>\n"])
FILLER = " filler words so the page has enough text to be a page" * 3
RANDOM = settings(max_examples=300, deadline=None, derandomize=True,
                  suppress_health_check=[HealthCheck.too_slow])


@RANDOM
@given(PREFIXES, SOUP)
def test_random_tag_soup(prefix: str, body: str) -> None:
    titled = f"<title>Soup</title><h1>Soup</h1>{FILLER}"
    for html in (prefix + titled + body + FILLER, prefix + body + FILLER, prefix + body):
        assert_same(html, "treating-lupus/soup.html")
