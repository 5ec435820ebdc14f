"""A guide page's article as the site shows it: anchors on headings, nothing active,
and the words a reader searched for marked."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from bs4 import BeautifulSoup, NavigableString

from indexer.page import article_of, assign_anchors, decode_html, is_sources_heading
from indexer.safety_file import URGENT_BLOCK
from search.snippets import stem_of

UNSAFE_TAGS = ("script", "style", "iframe", "object", "embed", "form", "input", "button",
               "link", "meta", "base", "template", "noscript", "svg", "math", "frame",
               "frameset", "applet")
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href", "data", "poster",
                  "background", "srcset")
SKIP_MARKING = ("a", "h1", "mark", "script", "style")
UNSAFE_SCHEMES = ("javascript:", "data:", "vbscript:")
WORD = re.compile(r"\w+")
SOURCES_CLASS = "sources-list"  # styled as a reference list in style.css


def _mark_sources(article) -> None:
    """Class the Sources section's lists as a reference list; its links open like any
    link, in the same tab (a target an editor pasted from elsewhere is dropped)."""
    for heading in article.find_all("h2"):
        if not is_sources_heading("h2", str(heading.get("id", "")),
                                  heading.get_text(" ", strip=True)):
            continue
        for sibling in heading.find_next_siblings(True):
            if sibling.name in ("h1", "h2") or sibling.find(("h1", "h2")):
                break
            lists = [sibling] if sibling.name in ("ul", "ol") else sibling.find_all(("ul", "ol"))
            for found in lists:
                found["class"] = [*found.get("class", []), SOURCES_CLASS]
                for link in found.find_all("a"):
                    link.attrs.pop("target", None)


def _sanitize(article) -> None:
    for tag in article.find_all(UNSAFE_TAGS):
        tag.decompose()
    for tag in article.find_all(True):
        for attribute in list(tag.attrs):
            value = str(tag.attrs[attribute])
            active = attribute.startswith("on") or attribute in ("style", "srcdoc")
            # Browsers ignore spaces and control characters inside a scheme ("java\tscript:").
            squeezed = "".join(ch for ch in value if ch > " ").lower()
            scheme = squeezed.startswith(UNSAFE_SCHEMES)
            if active or (attribute.lower() in URL_ATTRIBUTES and scheme):
                del tag.attrs[attribute]


@lru_cache(maxsize=256)
def article_html(path: str, content_hash: str) -> str:
    """The article's inner HTML without its <h1> (the layout shows the title).
    Cached by content hash, so an edited page is read again after the reindex."""
    html, _ = decode_html(Path(path).read_bytes(), path)
    soup = BeautifulSoup(html, "lxml")
    article = article_of(soup)
    if article is None:
        return ""
    _sanitize(article)
    assign_anchors(article)
    _mark_sources(article)
    for h1 in article.find_all("h1"):
        h1.decompose()
    return article.decode_contents().strip()


def mark_words(html: str, words: list[str]) -> str:
    """Wrap the words (any form with the same stem) in <mark>, outside links and headings."""
    stems = {stem_of(w.lower()) for w in words if w.strip()}
    if not stems:
        return html
    soup = BeautifulSoup(html, "html.parser")
    for string in list(soup.find_all(string=True)):
        if type(string) is not NavigableString or string.find_parent(SKIP_MARKING):
            continue
        text = str(string)
        pieces, last = [], 0
        for match in WORD.finditer(text):
            if stem_of(match.group().lower()) in stems:
                pieces.append(text[last : match.start()])
                mark = soup.new_tag("mark")
                mark.string = match.group()
                pieces.append(mark)
                last = match.end()
        if not pieces:
            continue
        pieces.append(text[last:])
        for piece in pieces:
            string.insert_before(piece if not isinstance(piece, str) else NavigableString(piece))
        string.extract()
    return str(soup)


def fill_urgent_blocks(html: str, render: Callable[[str], str | None]) -> str:
    """Each urgent block replaced by `render(notice id)` (left as it is when that is None).
    Done on every view rather than cached with the article, so an edit of safety.toml shows
    on every page at once."""
    if "data-urgent" not in html:
        return html
    return URGENT_BLOCK.sub(lambda m: render(m.group(2)) or m.group(0), html)
