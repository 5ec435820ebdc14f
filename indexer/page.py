"""One guide page: an HTML file parsed into a `Page` record.

A page is read by one walk over its parsed tree (`indexer.page_walk`, with the rules of
`indexer.page_rules`). The tree comes from lxml (`indexer.lxml_tree`, the fast reader, used
by default) or BeautifulSoup (`indexer.soup_tree`, the reference that editors' pages are
defined by); both give the same `Page` (tests/test_parse_paths.py).
"""

from __future__ import annotations

import codecs
import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Literal

from indexer import page_rules as rules
from indexer.lxml_tree import EmptyDocument, LxmlTree, ReadWithSoup
from indexer.page_rules import SOURCES_ANCHOR, is_sources_heading, slugify
from indexer.page_walk import Tree, node_text, read_article, stripped_text
from indexer.sections import SITE_PAGES_FOLDER, section_title
from indexer.settings import load_index_settings
from indexer.side_effects import SideEffect, parse_side_effect_line
from indexer.soup_tree import SoupTree, article_of, assign_anchors, parse_soup

__all__ = ["SOURCES_ANCHOR", "article_of", "assign_anchors", "is_sources_heading", "slugify"]

MAX_PAGE_BYTES = 2 * 1024 * 1024
MIN_BODY_WORDS = 20
Reader = Literal["lxml", "soup"]
READERS: tuple[Reader, ...] = ("lxml", "soup")
# How builds and checks read pages (LUPUS_GUIDE_READER); read once per process.
READER: Reader = "soup" if load_index_settings().reader == "soup" else "lxml"
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([a-zA-Z0-9_.:-]+)""", re.I)
# Review metadata in the page's head (content/README.md, "Review dates and sources").
LAST_REVIEWED_META, NEXT_REVIEW_META, ORDER_META = "last-reviewed", "next-review", "order"
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_WHOLE_NUMBER = re.compile(r"^[+-]?\d{1,6}$")


class PageError(Exception):
    """A page that cannot be indexed, with the file and the reason."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason

    def __reduce__(self):
        # Parsing workers send errors back pickled; an exception is rebuilt from its
        # args, which here hold only the message, so the build's process pool broke.
        return (PageError, (self.path, self.reason))


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    anchor: str


@dataclass(frozen=True)
class Section:
    """The text under one heading (the part before the first h2 has the page's h1)."""

    anchor: str
    heading: str
    text: str


@dataclass(frozen=True)
class Source:
    """One entry of a page's Sources list: the link text ("Publisher: title") and address."""

    title: str
    url: str  # "" when the entry has no link (`lupus-guide check` reports it)


@dataclass
class Page:
    path: str  # relative to the content folder, with "/" separators
    url: str
    section: str  # "" for the site's own pages
    section_title: str
    title: str
    description: str
    keywords: list[str]
    headings: list[Heading]
    sections: list[Section]
    body: str
    prose: str  # paragraphs only, for readability
    side_effects: list[SideEffect]
    warning_signs: list[str]
    drug: str
    links: list[str]
    modified: datetime
    content_hash: str
    warnings: list[str] = field(default_factory=list)
    last_reviewed: date | None = None
    next_review: date | None = None
    sources: list[Source] = field(default_factory=list)
    order: int | None = None  # place in its section's listing; lower first, None after
    # The "Possible Side Effects" list items as written, so a side-effect page can quote
    # the line that names an effect.
    side_effect_lines: list[str] = field(default_factory=list)
    # What the HTML parser warned about, one short line each (not part of the record:
    # the two readers differ here, and the build counts them in its summary).
    parser_notes: list[str] = field(default_factory=list, compare=False)

    @property
    def body_systems(self) -> list[str]:
        return sorted({effect.system for effect in self.side_effects})


def page_url(relative: str) -> str:
    """The URL path for a content file: section/name.html -> /section/name."""
    parts = relative.removesuffix(".html").removesuffix(".htm").split("/")
    if parts[0] == SITE_PAGES_FOLDER:
        parts = parts[1:]
    return "/" + "/".join(parts)


def decode_html(data: bytes, path: Path | str) -> tuple[str, list[str]]:
    """Text of an HTML file: UTF-8, or the charset the file declares."""
    if not data.strip():
        raise PageError(path, "empty file")
    if b"\x00" in data[:4096]:
        raise PageError(path, "not an HTML file (binary data)")
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as error:
        declared = _CHARSET.search(data[:4096])
        if declared:
            name = declared.group(1).decode("ascii", "replace")
            try:
                codecs.lookup(name)
                return data.decode(name), [f"encoded as {name}, not UTF-8; save it as UTF-8"]
            except (LookupError, UnicodeDecodeError):
                pass
        raise PageError(
            path, f"not valid UTF-8 (byte {data[error.start]:#04x} at offset {error.start})"
            " and no usable charset declared"
        ) from None


def review_date(value: str, name: str) -> tuple[date | None, str | None]:
    """A review meta's date (YYYY-MM-DD), or None and a warning naming the bad value."""
    if not value:
        return None, None
    try:
        if _ISO_DATE.match(value):
            return date.fromisoformat(value), None
    except ValueError:
        pass
    return None, f'{name} date {value!r} is not a date in the form YYYY-MM-DD, like "2026-12-01"'


def page_order(value: str) -> tuple[int | None, str | None]:
    """The `order` meta as a whole number, or None and a warning naming the bad value."""
    if not value:
        return None, None
    if _WHOLE_NUMBER.match(value):
        return int(value), None
    return None, f"order {value!r} is not a whole number"


def _meta(metas: list[tuple[str, str]], name: str) -> str:
    """The content of the first <meta> named `name` (any case) of the page's metas."""
    pattern = re.compile(f"^{name}$", re.I)
    content = next((c for n, c in metas if pattern.search(n)), "")
    return re.sub(r"\s+", " ", content).strip()


def read_tree(html: str, relative: str, reader: Reader | None = None
              ) -> tuple[Tree, list[str]]:
    """The page's parsed tree (by `reader`, else READER), and the parser's warnings as
    short notes."""
    if (reader or READER) == "soup":
        soup, notes = parse_soup(html)
        return SoupTree(soup), notes
    try:
        return LxmlTree(html), []
    except EmptyDocument:
        raise PageError(relative, "not an HTML document (no <html> or <body>)") from None
    except ReadWithSoup as error:  # rare pages libxml2's tree shows otherwise
        soup, notes = parse_soup(html)
        return SoupTree(soup), [*notes, f"{error}: read with BeautifulSoup"]


def parse_html(html: str, relative: str, *, modified: datetime, content_hash: str,
               reader: Reader | None = None) -> Page:
    """Parse a page's HTML text; `relative` is its path inside the content folder."""
    tree, notes = read_tree(html, relative, reader)
    page = page_from_tree(tree, relative, modified=modified, content_hash=content_hash)
    page.parser_notes = notes
    return page


def page_from_tree(tree: Tree, relative: str, *, modified: datetime,
                   content_hash: str) -> Page:
    """The `Page` record of a parsed page."""
    body_node = tree.first("body")
    if tree.first("html") is None or body_node is None:
        raise PageError(relative, "not an HTML document (no <html> or <body>)")
    folder = relative.split("/")[0] if "/" in relative else SITE_PAGES_FOLDER
    metas = tree.metas()
    section = _meta(metas, "section") or ("" if folder == SITE_PAGES_FOLDER else folder)
    title_node = tree.first("title")
    title_tag = stripped_text(tree, title_node) if title_node is not None else ""
    article = next((node for name in rules.ARTICLE_TAGS
                    if (node := tree.first(name)) is not None), None)
    parts = read_article(tree, article if article is not None else body_node,
                         strip_chrome=article is None)
    title = parts.title
    if not parts.has_h1 and article is not None and (h1 := tree.first("h1")) is not None:
        title = node_text(tree, h1, in_heading=True)  # an <h1> outside the article
    if not title:
        title = re.split(r"\s+[|–—]\s+", title_tag)[0].strip()
    if not title:
        raise PageError(relative, "no title (no <h1> and no <title>)")
    headings = [Heading(level, text, anchor) for level, text, anchor in parts.headings]
    sections = [Section(anchor, title if heading is None else heading, text)
                for anchor, heading, text in parts.sections]
    body = " ".join(s.text for s in sections if s.text)
    if len(body.split()) < MIN_BODY_WORDS:
        raise PageError(relative, f"empty body (only {len(body.split())} words of text)")
    paragraphs = parts.paragraphs
    description = _meta(metas, "description") or next((p for p in paragraphs if p), "")
    keywords = [k.strip() for k in _meta(metas, "keywords").split(",") if k.strip()]
    warnings: list[str] = []
    if not _meta(metas, "description"):
        warnings.append('no description (<meta name="description">); the first paragraph stands in')
    last_reviewed, bad_date = review_date(_meta(metas, LAST_REVIEWED_META), LAST_REVIEWED_META)
    next_review, bad_next = review_date(_meta(metas, NEXT_REVIEW_META), NEXT_REVIEW_META)
    order, bad_order = page_order(_meta(metas, ORDER_META))
    warnings.extend(w for w in (bad_date, bad_next, bad_order) if w)
    side_effects: list[SideEffect] = []
    side_effect_lines = parts.list_after(rules.is_side_effects_heading)
    for line in side_effect_lines:
        parsed = parse_side_effect_line(line)
        side_effects.extend(e for e in parsed.effects if e not in side_effects)
        if parsed.warning:
            warnings.append(f"side effects: {parsed.warning}")
    drug = _meta(metas, "drug") or (re.split(r"\s*\(", title)[0] if side_effects else "")
    return Page(
        path=relative,
        url=page_url(relative),
        section=section,
        section_title=section_title(section) if section else "",
        title=title,
        description=description,
        keywords=keywords,
        headings=headings,
        sections=sections,
        body=body,
        prose=" ".join(paragraphs),
        side_effects=side_effects,
        warning_signs=parts.list_after(rules.is_warning_heading),
        drug=drug,
        links=parts.links,
        modified=modified,
        content_hash=content_hash,
        warnings=warnings,
        last_reviewed=last_reviewed,
        next_review=next_review,
        sources=[Source(title, url) for title, url in parts.sources],
        order=order,
        side_effect_lines=side_effect_lines,
    )


def parse_page(path: Path, content_root: Path, reader: Reader | None = None) -> Page:
    """Read and parse one HTML file of the guide; raises PageError with the reason."""
    relative = path.relative_to(content_root).as_posix()
    try:
        stat = path.stat()
        if stat.st_size > MAX_PAGE_BYTES:
            raise PageError(relative, f"larger than {MAX_PAGE_BYTES // 1024 // 1024} MB")
        data = path.read_bytes()
    except OSError as error:
        raise PageError(relative, f"cannot be read ({error.strerror or error})") from None
    html, warnings = decode_html(data, relative)
    page = parse_html(
        html,
        relative,
        modified=datetime.fromtimestamp(stat.st_mtime, UTC),
        content_hash=hashlib.sha256(data).hexdigest(),
        reader=reader,
    )
    page.warnings[:0] = warnings
    return page
