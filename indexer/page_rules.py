"""What of a page's HTML the index keeps: the rules both HTML parsers share.

The BeautifulSoup reader (`indexer.soup_tree`) and the lxml reader (`indexer.lxml_tree`)
build different trees; `indexer.page_walk` reads either with these rules, so a rule
changed here changes both.
"""

from __future__ import annotations

import re
from functools import lru_cache

HEADING_TAGS = frozenset({"h1", "h2", "h3"})
ANCHORED_HEADINGS = frozenset({"h2", "h3"})  # get ids, start sections
ARTICLE_TAGS = ("article", "main")  # the first found, in this order, is the article
LIST_TAGS = frozenset({"ul", "ol"})
# Never text, wherever they are.
DROPPED_TAGS = frozenset({"script", "style", "template"})
# Strings inside these are not the page's text (BeautifulSoup gives them classes of their
# own: ruby annotations, scripts, styles, templates).
NOT_TEXT_TAGS = frozenset({"rt", "rp", "script", "style", "template"})
# Old-site chrome that must never reach the index when a page has no <article> or <main>.
CHROME_TAGS = frozenset({"header", "nav", "footer", "aside", "form", "noscript", "iframe"})
CHROME_HINTS = re.compile(
    r"(^|[-_ ])(header|masthead|nav|navbar|menu|sidebar|side-bar|footer|breadcrumbs?|"
    r"copyright|disclaimer|cookie|share|social|banner|site-name|sitemap)([-_ ]|$)",
    re.I,
)
NEVER_CHROME = frozenset({"html", "body"})
# Permalink marks documentation generators put in headings (Sphinx and MkDocs "¶",
# GitHub "🔗" or an icon, rustdoc "§", Doxygen "◆", and a plain "#").
PERMALINK_CLASSES = frozenset({"headerlink", "anchor"})
PERMALINK_MARKS = frozenset({"", "¶", "#", "🔗", "§", "◆"})
SOURCES_ANCHOR = "sources"  # <h2 id="sources">, or an h2 whose text is "Sources"
SIDE_EFFECT_HEADINGS = ("possible side effects", "side effects")
WARNING_HEADING = re.compile(r"^call (your|a) doctor", re.I)


def chrome_hints(element_id: str, classes: list[str]) -> str:
    """What `is_chrome` reads of an element's attributes: its id and classes."""
    return " ".join([element_id, *classes])


def is_chrome(name: str, hints: str) -> bool:
    """Site chrome (navigation, header, footer...) by tag name, or by a word of its id or
    classes (`chrome_hints`): dropped with everything inside it, when the page has no
    <article> or <main>."""
    if name in CHROME_TAGS:
        return True
    if name in NEVER_CHROME or not hints.strip():
        return False
    return _hinted(hints)


@lru_cache(maxsize=4096)
def _hinted(hints: str) -> bool:
    # Pages repeat the same few class lists thousands of times.
    return CHROME_HINTS.search(hints) is not None


def is_permalink(classes: list[str], text: str, href: str | None, in_heading: bool) -> bool:
    """A link that only marks a permanent address: `a.headerlink`; `a.anchor` with no text
    or only a mark; a link to "#..." inside a heading whose text is a lone mark. Dropped
    from titles, headings and text. `text` is the link's text, stripped."""
    if "headerlink" in classes:
        return True
    if text not in PERMALINK_MARKS:
        return False
    if "anchor" in classes:
        return True
    return in_heading and href is not None and href.startswith("#")


def clean_text(strings: list[str]) -> str:
    """A node's text: its strings, each stripped, joined by one space, with every run of
    white space made one space (BeautifulSoup's `get_text(" ", strip=True)`, collapsed)."""
    return " ".join(" ".join(strings).split())


BLOCK_BREAK = "\n"  # between a section's paragraphs and list items; white space elsewhere


def block_text(strings: list[str | None]) -> str:
    """A section's text: each paragraph or list item cleaned as `clean_text` does, one
    line each (None in the strings marks where a block starts)."""
    lines: list[str] = []
    current: list[str] = []
    for string in strings:
        if string is None:
            lines.append(clean_text(current))
            current = []
        else:
            current.append(string)
    lines.append(clean_text(current))
    return BLOCK_BREAK.join(line for line in lines if line)


def slugify(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug or "section"


def unique_anchor(used: set[str], given_id: str, text: str) -> str:
    """The heading's id (kept if the page set one, else made from its text), with "-2",
    "-3"... when an earlier heading has it; recorded in `used`."""
    base = anchor = given_id or slugify(text)
    n = 2
    while anchor in used:
        anchor, n = f"{base}-{n}", n + 1
    used.add(anchor)
    return anchor


def is_sources_heading(name: str, anchor: str, text: str) -> bool:
    """Whether a heading starts the Sources section: an h2 with the id "sources" or the
    text "Sources"."""
    return name == "h2" and (
        anchor == SOURCES_ANCHOR or text.rstrip(":").strip().casefold() == SOURCES_ANCHOR
    )


def may_be_sources_heading(given_id: str, text: str) -> bool:
    """Whether an h2 could turn out to start the Sources section once anchors are given
    (its anchor is only known when the headings before it have theirs)."""
    return (given_id == SOURCES_ANCHOR or (not given_id and slugify(text) == SOURCES_ANCHOR)
            or is_sources_heading("h2", "", text))


def is_side_effects_heading(text: str) -> bool:
    return text.lower().rstrip(":") in SIDE_EFFECT_HEADINGS


def is_warning_heading(text: str) -> bool:
    return bool(WARNING_HEADING.match(text))
