"""BeautifulSoup (with lxml) as the walk's tree: the reference reading of a page.

Editors' pages are defined by what BeautifulSoup makes of them; the lxml reader
(`indexer.lxml_tree`) must give the same records (tests/test_parse_paths.py). The site
also reads articles with BeautifulSoup, to show them: `article_of` and `assign_anchors`.
"""

from __future__ import annotations

import warnings

from bs4 import BeautifulSoup, Tag
from bs4.element import NavigableString

from indexer import page_rules as rules
from indexer.page_walk import Node, Visitor, read_article


def parse_soup(html: str) -> tuple[BeautifulSoup, list[str]]:
    """The soup, and one short line for each warning the parser gave (never printed:
    BeautifulSoup's are many lines long, and a build would print one per worker)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        soup = BeautifulSoup(html, "lxml")
    return soup, [parser_note(w.category, str(w.message)) for w in caught]


def parser_note(category: type[Warning], message: str) -> str:
    """A parser warning as one line of a build's summary."""
    if category.__name__ == "XMLParsedAsHTMLWarning":
        return "XHTML or XML read as HTML (BeautifulSoup's XMLParsedAsHTMLWarning)"
    first_line = message.strip().splitlines()[0] if message.strip() else ""
    return f"{category.__name__}: {first_line[:120]}"


class SoupTree:
    """A BeautifulSoup document, read through `page_walk.Tree`."""

    def __init__(self, soup: Tag) -> None:
        self.soup = soup  # the whole document (BeautifulSoup), or an article in it

    def walk(self, node: Node, visitor: Visitor) -> None:
        if not visitor.start(node, node.name):
            return
        start, text, end = visitor.start, visitor.text, visitor.end
        stack = [iter(node.contents)]
        names = [node.name]
        while stack:
            for child in stack[-1]:
                kind = type(child)
                if kind is NavigableString:  # not comments, doctypes, script text...
                    text(child)
                elif kind is Tag and start(child, child.name):
                    stack.append(iter(child.contents))
                    names.append(child.name)
                    break
            else:
                stack.pop()
                end(names.pop())

    def first(self, name: str) -> Tag | None:
        """`soup.find(name)`, as a plain walk (bs4's filters cost more than the walk)."""
        return next((node for node in self.soup.descendants
                     if type(node) is Tag and node.name == name), None)

    def attribute(self, node: Tag, name: str) -> str | None:
        value = node.get(name)
        return value if value is None or isinstance(value, str) else " ".join(value)

    def classes(self, node: Tag) -> list[str]:
        return list(node.get("class") or [])

    def hints(self, node: Tag) -> str:
        return rules.chrome_hints(str(node.get("id", "")), list(node.get("class") or []))

    def ancestor_names(self, node: Tag) -> list[str]:
        return [parent.name for parent in node.parents]

    def metas(self) -> list[tuple[str, str]]:
        return [(str(node.get("name", "")), str(node.get("content", "")))
                for node in self.soup.descendants if type(node) is Tag and node.name == "meta"]


# -- the site's reading of an article (it shows the article, so it edits the soup) --------

class _Dropped:
    """Collects the elements the article's rules drop, outermost only."""

    def __init__(self, strip_chrome: bool) -> None:
        self.strip_chrome = strip_chrome
        self.nodes: list[Tag] = []

    def start(self, node: Tag, name: str) -> bool:
        dropped = name in rules.DROPPED_TAGS or (self.strip_chrome and rules.is_chrome(
            name, rules.chrome_hints(str(node.get("id", "")), list(node.get("class") or []))))
        if dropped:
            self.nodes.append(node)
        return not dropped

    def text(self, string: str) -> None:
        pass

    def end(self, name: str) -> None:
        pass


def article_of(soup: BeautifulSoup) -> Tag | None:
    """The page's article: <article>, else <main>, else the body without site chrome;
    scripts, styles and templates removed (from the soup)."""
    tree = SoupTree(soup)
    found = next((tree.first(name) for name in rules.ARTICLE_TAGS
                  if tree.first(name) is not None), None)
    article = found if found is not None else soup.body
    if article is None:
        return None
    dropped = _Dropped(strip_chrome=found is None)
    tree.walk(article, dropped)
    for node in dropped.nodes:  # one walk, then each dropped subtree once: linear
        node.decompose()
    return article


def assign_anchors(article: Tag) -> None:
    """Give every h2/h3 the id the index gives it (kept if the page set one)."""
    parts = read_article(SoupTree(article), article, strip_chrome=False)
    for heading, anchor in parts.anchors:
        if anchor:
            heading["id"] = anchor
