"""One guide page: an HTML file parsed into a `Page` record."""

from __future__ import annotations

import codecs
import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from bs4 import BeautifulSoup, Tag
from bs4.element import NavigableString

from indexer.sections import SITE_PAGES_FOLDER, section_title
from indexer.side_effects import SideEffect, parse_side_effect_line

MAX_PAGE_BYTES = 2 * 1024 * 1024
MIN_BODY_WORDS = 20
HEADING_TAGS = ("h1", "h2", "h3")
SIDE_EFFECT_HEADINGS = ("possible side effects", "side effects")
WARNING_HEADING = re.compile(r"^call (your|a) doctor", re.I)
# Old-site chrome that must never reach the index when a page has no <article>.
CHROME_TAGS = ("header", "nav", "footer", "aside", "form", "noscript", "iframe")
CHROME_HINTS = re.compile(
    r"(^|[-_ ])(header|masthead|nav|navbar|menu|sidebar|side-bar|footer|breadcrumbs?|"
    r"copyright|disclaimer|cookie|share|social|banner|site-name|sitemap)([-_ ]|$)",
    re.I,
)
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([a-zA-Z0-9_.:-]+)""", re.I)
# Review metadata in the page's head (content/README.md, "Review dates and sources").
LAST_REVIEWED_META, NEXT_REVIEW_META, ORDER_META = "last-reviewed", "next-review", "order"
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_WHOLE_NUMBER = re.compile(r"^[+-]?\d{1,6}$")
SOURCES_ANCHOR = "sources"  # <h2 id="sources">, or an h2 whose text is "Sources"


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

    @property
    def body_systems(self) -> list[str]:
        return sorted({effect.system for effect in self.side_effects})


def page_url(relative: str) -> str:
    """The URL path for a content file: section/name.html -> /section/name."""
    parts = relative.removesuffix(".html").removesuffix(".htm").split("/")
    if parts[0] == SITE_PAGES_FOLDER:
        parts = parts[1:]
    return "/" + "/".join(parts)


def slugify(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug or "section"


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


def _tags(root: Tag, *names: str) -> list[Tag]:
    """`root.find_all(names)`, or every tag without names, in document order: a plain
    walk, since bs4's filter objects cost more than the walk itself."""
    return [node for node in root.descendants
            if type(node) is Tag and (not names or node.name in names)]


def _first(root: Tag, name: str) -> Tag | None:
    """`root.find(name)`, as a plain walk."""
    return next((node for node in root.descendants
                 if type(node) is Tag and node.name == name), None)


def _meta(metas: list[Tag], name: str) -> str:
    """The content of the first <meta> named `name` (any case) of the page's metas."""
    pattern = re.compile(f"^{name}$", re.I)
    tag = next((t for t in metas if pattern.search(str(t.get("name", "")))), None)
    content = tag.get("content", "") if tag is not None else ""
    return re.sub(r"\s+", " ", str(content)).strip()


def _text(node: Tag) -> str:
    return re.sub(r"\s+", " ", node.get_text(" ", strip=True)).strip()


def _strip_chrome(root: Tag) -> None:
    for tag in _tags(root, "script", "style", "template"):
        tag.decompose()
    for tag in _tags(root, *CHROME_TAGS):
        tag.decompose()
    for tag in _tags(root):
        if tag.decomposed or tag.attrs is None:
            continue
        hints = " ".join([str(tag.get("id", "")), *(tag.get("class") or [])])
        if hints.strip() and CHROME_HINTS.search(hints) and tag.name not in ("html", "body"):
            tag.decompose()


def article_of(soup: BeautifulSoup) -> Tag | None:
    """The page's article: <article>, else <main>, else the body without site chrome."""
    for name in ("article", "main"):
        found = _first(soup, name)
        if found is not None:
            for tag in _tags(found, "script", "style", "template"):
                tag.decompose()
            return found
    body = soup.body
    if body is not None:
        _strip_chrome(body)
    return body


def assign_anchors(article: Tag) -> None:
    """Give every h2/h3 a stable, unique id from its text (kept if the page set one)."""
    used: set[str] = set()
    for heading in _tags(article, "h2", "h3"):
        text = _text(heading)
        if not text:
            continue
        base = anchor = str(heading.get("id") or slugify(text))
        n = 2
        while anchor in used:
            anchor, n = f"{base}-{n}", n + 1
        used.add(anchor)
        heading["id"] = anchor


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


def is_sources_heading(name: str, anchor: str, text: str) -> bool:
    """Whether a heading starts the Sources section: an h2 with the id "sources" or the
    text "Sources"."""
    return name == "h2" and (
        anchor == SOURCES_ANCHOR or text.rstrip(":").strip().casefold() == SOURCES_ANCHOR
    )


def _holds_section_heading(node: Tag) -> bool:
    return node.name in ("h1", "h2") or any(
        type(d) is Tag and d.name in ("h1", "h2") for d in node.descendants)


def take_sources(article: Tag) -> list[Source]:
    """Remove the Sources section (its h2 and what follows up to the next h1 or h2) from
    the article, so it is neither indexed text nor checked as internal links, and return
    its list entries. Run after `assign_anchors`, so other headings keep the anchors the
    site gives them."""
    sources: list[Source] = []
    for heading in _tags(article, "h2"):
        if heading.decomposed or not is_sources_heading(
                heading.name, str(heading.get("id", "")), _text(heading)):
            continue
        part: list[Tag | NavigableString] = [heading]
        for sibling in heading.next_siblings:
            if type(sibling) is Tag and _holds_section_heading(sibling):
                break
            part.append(sibling)
        for node in part:
            if type(node) is not Tag:
                continue
            for item in _tags(node, "li"):
                link = next((a for a in _tags(item, "a") if a.get("href") is not None), None)
                title = (_text(link) if link is not None else "") or _text(item)
                url = str(link["href"]).strip() if link is not None else ""
                if title or url:
                    sources.append(Source(title, url))
        for node in part:
            node.extract()
    return sources


def _heading_of(node: NavigableString) -> Tag | None:
    """The h1-h3 a string is in: `find_parent(HEADING_TAGS)`, without building a bs4
    filter for every string of the page (that was a third of the parsing time)."""
    parent = node.parent
    while parent is not None:
        if parent.name in HEADING_TAGS:
            return parent
        parent = parent.parent
    return None


def _headings_and_sections(article: Tag, title: str) -> tuple[list[Heading], list[Section]]:
    """Headings with their anchors, and the text under each (the opening under the title)."""
    headings: list[Heading] = []
    sections: list[Section] = []
    current = Section("", title, "")
    chunks: list[str] = []

    def close() -> None:
        text = re.sub(r"\s+", " ", " ".join(chunks)).strip()
        if text or current.anchor:
            sections.append(Section(current.anchor, current.heading, text))

    seen: set[int] = set()
    for string in article.descendants:
        if type(string) is not NavigableString:
            continue  # tags; comments, doctype, CDATA
        heading = _heading_of(string)
        if heading is None:
            chunks.append(str(string))
            continue
        if id(heading) in seen:
            continue
        seen.add(id(heading))
        if heading.name == "h1" or not heading.get("id"):
            continue
        text = _text(heading)
        headings.append(Heading(int(heading.name[1]), text, str(heading["id"])))
        close()
        current, chunks = Section(str(heading["id"]), text, ""), []
    close()
    return headings, sections


def _list_after(article: Tag, matches) -> list[str]:
    for heading in _tags(article, *HEADING_TAGS):
        if matches(_text(heading)):
            for sibling in heading.next_elements:  # find_all_next(True), lazily
                if type(sibling) is not Tag:
                    continue
                if sibling.name in HEADING_TAGS:
                    break
                if sibling.name in ("ul", "ol"):
                    return [_text(li) for li in _tags(sibling, "li") if _text(li)]
    return []


def parse_html(html: str, relative: str, *, modified: datetime, content_hash: str) -> Page:
    """Parse a page's HTML text; `relative` is its path inside the content folder."""
    soup = BeautifulSoup(html, "lxml")
    if soup.find("html") is None or soup.body is None:
        raise PageError(relative, "not an HTML document (no <html> or <body>)")
    folder = relative.split("/")[0] if "/" in relative else SITE_PAGES_FOLDER
    metas = _tags(soup, "meta")
    section = _meta(metas, "section") or ("" if folder == SITE_PAGES_FOLDER else folder)
    title_tag = soup.title.get_text(" ", strip=True) if soup.title else ""
    article = article_of(soup)
    if article is None:
        raise PageError(relative, "no body")
    h1 = _first(article, "h1") or _first(soup, "h1")
    title = _text(h1) if h1 is not None else ""
    if not title:
        title = re.split(r"\s+[|–—]\s+", title_tag)[0].strip()
    if not title:
        raise PageError(relative, "no title (no <h1> and no <title>)")
    assign_anchors(article)
    sources = take_sources(article)
    headings, sections = _headings_and_sections(article, title)
    body = " ".join(s.text for s in sections if s.text)
    if len(body.split()) < MIN_BODY_WORDS:
        raise PageError(relative, f"empty body (only {len(body.split())} words of text)")
    paragraphs = [_text(p) for p in _tags(article, "p")]
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
    for line in _list_after(article, lambda t: t.lower().rstrip(":") in SIDE_EFFECT_HEADINGS):
        parsed = parse_side_effect_line(line)
        side_effects.extend(e for e in parsed.effects if e not in side_effects)
        if parsed.warning:
            warnings.append(f"side effects: {parsed.warning}")
    drug = _meta(metas, "drug") or (re.split(r"\s*\(", title)[0] if side_effects else "")
    links = [str(a["href"]) for a in _tags(article, "a") if a.get("href") is not None]
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
        warning_signs=_list_after(article, lambda t: bool(WARNING_HEADING.match(t))),
        drug=drug,
        links=links,
        modified=modified,
        content_hash=content_hash,
        warnings=warnings,
        last_reviewed=last_reviewed,
        next_review=next_review,
        sources=sources,
        order=order,
    )


def parse_page(path: Path, content_root: Path) -> Page:
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
    )
    page.warnings[:0] = warnings
    return page
