"""lxml as the walk's tree: the fast reading of a page.

BeautifulSoup builds its tree from lxml's parser events in Python, one object per element
and string; that was most of a build's time on long pages. Here libxml2 (the same parser,
fed the same text with the same options) builds the tree in C and the walk reads it with
`lxml.etree.iterwalk`. The records must equal BeautifulSoup's (`indexer.soup_tree`);
tests/test_parse_paths.py compares them page by page.
"""

from __future__ import annotations

import re

from lxml import etree

from indexer.page_rules import chrome_hints
from indexer.page_walk import Node, Visitor

_EVENTS = ("start", "end", "comment", "pi")
# libxml2 builds no tree deeper than this (even with huge_tree); BeautifulSoup, building
# its own from the parser's events, has no such limit. A page that may reach it is
# measured, and read with BeautifulSoup when it does.
DEPTH_LIMIT = 2048
DEPTH_MARGIN = 16
# Whether any element is that deep: one XPath step a level, all in C.
_TOO_DEEP = etree.XPath("boolean(/" + "/".join(["*"] * (DEPTH_LIMIT - DEPTH_MARGIN)) + ")")


class EmptyDocument(Exception):
    """libxml2 found no element at all (BeautifulSoup gives an empty soup)."""


class ReadWithSoup(Exception):
    """A page libxml2's tree cannot show as BeautifulSoup sees it: read it with that."""


_DOCTYPE = re.compile(r"<!doctype", re.I)
_BEFORE_DOCTYPE = re.compile(r"<!--.*?-->|<\?.*?>|\s+", re.S)  # all a doctype may follow


class LxmlTree:
    """An lxml document, read through `page_walk.Tree`."""

    def __init__(self, html: str) -> None:
        # As BeautifulSoup's lxml builder: the text as it is (no byte order mark), fed to
        # an HTML parser that recovers from errors; huge_tree, so that it builds trees as
        # deep as BeautifulSoup's (256 levels otherwise; pages are at most 2 MB anyway).
        parser = etree.HTMLParser(recover=True, huge_tree=True)
        html = html[1:] if html.startswith("\ufeff") else html
        doctypes = [m.start() for m in _DOCTYPE.finditer(html)]
        if len(doctypes) > 1 or (doctypes and _BEFORE_DOCTYPE.sub("", html[:doctypes[0]])):
            # libxml2 drops it, joining the text around it into one string; BeautifulSoup
            # keeps it, and so two strings (two words where the tree has one).
            raise ReadWithSoup("a <!DOCTYPE> inside the page")
        parser.feed(html)
        try:
            root = parser.close()
        except etree.XMLSyntaxError as error:
            raise EmptyDocument(str(error)) from None
        if root is None:
            raise EmptyDocument("no elements")
        # What follows </html> is a second <html> beside the first (as in BeautifulSoup).
        self.tops = [node for node in (*reversed(list(root.itersiblings(preceding=True))),
                                       root, *root.itersiblings())
                     if isinstance(node.tag, str)]
        if html.count("<") >= DEPTH_LIMIT - DEPTH_MARGIN and _TOO_DEEP(root.getroottree()):
            raise ReadWithSoup(f"nested {DEPTH_LIMIT - DEPTH_MARGIN} elements deep or more")

    def walk(self, node: Node, visitor: Visitor) -> None:
        start, text, end = visitor.start, visitor.text, visitor.end
        skipped = None
        walker = etree.iterwalk(node, events=_EVENTS)
        for event, element in walker:
            if event == "start":
                if start(element, element.tag):
                    if element.text:
                        text(element.text)
                else:
                    walker.skip_subtree()  # its "end" still comes, next
                    skipped = element
                continue
            if event == "end":
                if element is skipped:
                    skipped = None
                else:
                    end(element.tag)
            # A comment's text is not the page's; what follows it (its tail) is.
            if element.tail and element is not node:
                text(element.tail)

    def first(self, name: str) -> Node | None:
        return next((node for top in self.tops for node in top.iter(name)), None)

    def attribute(self, node: Node, name: str) -> str | None:
        return node.get(name)

    def classes(self, node: Node) -> list[str]:
        value = node.get("class")
        return value.split() if value else []

    def hints(self, node: Node) -> str:
        element_id, value = node.get("id"), node.get("class")
        if not (element_id or value):
            return ""
        return chrome_hints(element_id or "", value.split() if value else [])

    def ancestor_names(self, node: Node) -> list[str]:
        return [parent.tag for parent in node.iterancestors()]

    def metas(self) -> list[tuple[str, str]]:
        return [(node.get("name") or "", node.get("content") or "")
                for top in self.tops for node in top.iter("meta")]
