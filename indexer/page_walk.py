"""One walk over a parsed page's article: its title, headings with anchors, the text under
each heading, paragraphs, links, lists and Sources, by the rules of `indexer.page_rules`.

The walk reads any tree through the small `Tree` interface (`indexer.soup_tree` for
BeautifulSoup, `indexer.lxml_tree` for lxml), visiting each element and string once; what
needs a whole heading's text (anchors, the Sources section) is worked out afterwards from
what the walk recorded, so reading a page takes time in proportion to its size.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from indexer import page_rules as rules

Node = Any  # an element of the tree being read


class Visitor(Protocol):
    def start(self, node: Node, name: str) -> bool:
        """An element starts; False: skip it and everything inside it."""

    def text(self, string: str) -> None:
        """A string of text (never a comment, doctype or processing instruction)."""

    def end(self, name: str) -> None:
        """An element whose start returned True ends."""


class Tree(Protocol):
    """A parsed HTML document, as the walk reads it."""

    def walk(self, node: Node, visitor: Visitor) -> None:
        """`node` and what is inside it, in document order."""

    def first(self, name: str) -> Node | None:
        """The document's first element called `name`."""

    def attribute(self, node: Node, name: str) -> str | None: ...

    def classes(self, node: Node) -> list[str]: ...

    def hints(self, node: Node) -> str:
        """`page_rules.chrome_hints` of the element."""

    def metas(self) -> list[tuple[str, str]]:
        """(name, content) of every <meta> of the document, in order."""

    def ancestor_names(self, node: Node) -> list[str]:
        """The names of the elements around `node`."""


def _inside_not_text(tree: Tree, node: Node) -> int:
    """1 when `node` is inside an element whose strings are never text (a title in a
    ruby annotation, an article in a template...), else 0."""
    return int(any(name in rules.NOT_TEXT_TAGS for name in tree.ancestor_names(node)))


class _Text:
    """Collects a node's text, without permalinks or what is never text."""

    def __init__(self, tree: Tree, root: Node, in_heading: bool) -> None:
        self.tree = tree
        self.root = root  # a link's own text is read to tell whether it is a permalink
        self.in_heading = in_heading
        self.strings: list[str] = []
        self.hidden = _inside_not_text(tree, root)  # open elements whose strings are not text

    def start(self, node: Node, name: str) -> bool:
        if name in rules.DROPPED_TAGS:
            return False
        if name == "a" and node is not self.root and _permalink(self.tree, node,
                                                                  self.in_heading):
            return False
        if name in rules.NOT_TEXT_TAGS:
            self.hidden += 1
        elif name in rules.HEADING_TAGS:
            self.in_heading = True
        return True

    def text(self, string: str) -> None:
        if not self.hidden:
            self.strings.append(string)

    def end(self, name: str) -> None:
        if name in rules.NOT_TEXT_TAGS:
            self.hidden -= 1


def node_text(tree: Tree, node: Node, *, in_heading: bool = False) -> str:
    """The text of one element, as `page_rules.clean_text` makes it."""
    collector = _Text(tree, node, in_heading)
    tree.walk(node, collector)
    return rules.clean_text(collector.strings)


def stripped_text(tree: Tree, node: Node) -> str:
    """BeautifulSoup's `get_text(" ", strip=True)` (white space inside strings kept)."""
    collector = _Text(tree, node, False)
    tree.walk(node, collector)
    return " ".join(s for s in (string.strip() for string in collector.strings) if s)


def _permalink(tree: Tree, node: Node, in_heading: bool) -> bool:
    classes = tree.classes(node)
    href = tree.attribute(node, "href")
    if not (rules.PERMALINK_CLASSES.intersection(classes)
            or (in_heading and href is not None and href.startswith("#"))):
        return False  # the common case, decided without reading the link's text
    return rules.is_permalink(classes, stripped_text(tree, node), href, in_heading)


@dataclass
class _Element:
    """Where an element's strings and inner elements are in the walk's records."""

    ordinal: int  # elements started before it, plus one
    first_string: int
    last_string: int = -1  # one past, once it has ended
    last_ordinal: int = -1


@dataclass
class _Heading(_Element):
    level: int = 0
    given_id: str = ""
    node: Node = None


@dataclass
class _List(_Element):
    first_item: int = 0
    last_item: int = 0


@dataclass
class _Link(_Element):
    href: str = ""


@dataclass
class _Removed:
    """The Sources section: an h2 and its following siblings up to one holding an h1/h2."""

    heading: int
    depth: int  # of the h2's siblings in the walk
    last_string: int = -1
    last_ordinal: int = -1


@dataclass
class ArticleParts:
    """What the walk found in an article, ready for `indexer.page` to assemble."""

    title: str  # the first <h1>'s text ("" when there is none)
    has_h1: bool
    headings: list[tuple[int, str, str]]  # (level, text, anchor)
    sections: list[tuple[str, str | None, str]]  # (anchor, heading or None: opening, text)
    paragraphs: list[str]
    links: list[str]
    sources: list[tuple[str, str]]  # (title, url)
    anchors: list[tuple[Node, str]]  # every h2/h3 element and its id ("": none)
    list_after: Callable[[Callable[[str], bool]], list[str]] = field(repr=False)


_RECORDED = rules.HEADING_TAGS | rules.LIST_TAGS | rules.NOT_TEXT_TAGS | {"p", "li", "a"}


class ArticleReader:
    """The visitor that records an article in one walk (see the module's docstring)."""

    def __init__(self, tree: Tree, *, strip_chrome: bool) -> None:
        self.tree = tree
        self.strip_chrome = strip_chrome  # a <body> read as the article
        self.strings: list[str] = []
        self.string_heading: list[int] = []  # innermost heading of each string, or -1
        self.ordinal = 0
        self.open: list[tuple[str, Any] | None] = []  # what each open element records
        self.open_headings: list[int] = []
        self.hidden = 0
        self.headings: list[_Heading] = []
        self.paragraphs: list[_Element] = []
        self.lists: list[_List] = []
        self.items: list[_Element] = []
        self.links: list[_Link] = []
        self.removing: list[_Removed] = []  # Sources sections still open
        self.removed: list[_Removed] = []

    # -- the walk --------------------------------------------------------------------------
    def skips(self, node: Node, name: str) -> bool:
        """Elements read as if they were not there, with everything inside them."""
        if name in rules.DROPPED_TAGS:
            return True
        if self.strip_chrome and rules.is_chrome(name, self.tree.hints(node)):
            return True
        return name == "a" and _permalink(self.tree, node, bool(self.open_headings))

    def start(self, node: Node, name: str) -> bool:
        if self.skips(node, name):
            return False
        if self.removing and self.removing[-1].depth == len(self.open) and self._holds_h1_h2(
                node):
            self._stop_removing()
        self.ordinal += 1
        if name not in _RECORDED:
            self.open.append(None)
            return True
        record: tuple[str, Any] | None = None
        if name in rules.HEADING_TAGS:
            heading = _Heading(self.ordinal, len(self.strings), level=int(name[1]),
                               given_id=self.tree.attribute(node, "id") or "", node=node)
            record = ("heading", heading)
            self.open_headings.append(len(self.headings))
            self.headings.append(heading)
        elif name == "p":
            record = ("element", _Element(self.ordinal, len(self.strings)))
            self.paragraphs.append(record[1])
        elif name in rules.LIST_TAGS:
            record = ("list", _List(self.ordinal, len(self.strings), first_item=len(self.items)))
            self.lists.append(record[1])
        elif name == "li":
            record = ("element", _Element(self.ordinal, len(self.strings)))
            self.items.append(record[1])
        elif name == "a" and (href := self.tree.attribute(node, "href")) is not None:
            record = ("element", _Link(self.ordinal, len(self.strings), href=href))
            self.links.append(record[1])
        elif name in rules.NOT_TEXT_TAGS:
            record = ("hidden", None)
            self.hidden += 1
        self.open.append(record)
        return True

    def text(self, string: str) -> None:
        if not self.hidden:
            self.strings.append(string)
            self.string_heading.append(self.open_headings[-1] if self.open_headings else -1)

    def end(self, name: str) -> None:
        if self.removing and self.removing[-1].depth == len(self.open):
            self._stop_removing()  # the parent of the Sources heading ends
        record = self.open.pop()
        if record is None:
            return
        kind, element = record
        if kind == "hidden":
            self.hidden -= 1
            return
        element.last_string, element.last_ordinal = len(self.strings), self.ordinal
        if kind == "list":
            element.last_item = len(self.items)
        elif kind == "heading":
            index = self.open_headings.pop()
            if element.level == 2 and rules.may_be_sources_heading(
                    element.given_id, self._text(element)):
                self.removing.append(_Removed(index, len(self.open)))

    def _stop_removing(self) -> None:
        part = self.removing.pop()
        part.last_string, part.last_ordinal = len(self.strings), self.ordinal
        self.removed.append(part)

    def _holds_h1_h2(self, node: Node) -> bool:
        finder = _HeadingFinder(self)
        self.tree.walk(node, finder)
        return finder.found

    # -- after the walk --------------------------------------------------------------------
    def _text(self, element: _Element, drop: Callable[[int], bool] | None = None) -> str:
        strings = self.strings[element.first_string:element.last_string]
        if drop is not None:
            strings = [s for i, s in enumerate(strings, element.first_string) if not drop(i)]
        return rules.clean_text(strings)

    def finish(self) -> ArticleParts:
        """Anchors, the Sources section, sections, paragraphs, links and lists."""
        while self.removing:
            self._stop_removing()
        texts = [self._text(h) for h in self.headings]
        anchors = self._anchors(texts)
        gone = self._sources_parts(anchors, texts)

        def string_gone(index: int) -> bool:
            return any(p[0] <= index < p[1] for p in gone)

        def element_gone(element: _Element) -> bool:
            return any(p[2] <= element.ordinal < p[3] for p in gone)

        drop = string_gone if gone else None
        kept_headings = [i for i, h in enumerate(self.headings) if not element_gone(h)]
        final_texts = {i: self._text(self.headings[i], drop) if gone else texts[i]
                       for i in kept_headings}
        first_h1 = next((i for i, h in enumerate(self.headings) if h.level == 1), None)
        title = texts[first_h1] if first_h1 is not None else ""
        headings, sections = self._sections(anchors, final_texts, string_gone if gone else None)
        return ArticleParts(
            title=title,
            has_h1=first_h1 is not None,
            headings=headings,
            sections=sections,
            paragraphs=[self._text(p, drop) for p in self.paragraphs if not element_gone(p)],
            links=[link.href for link in self.links if not element_gone(link)],
            sources=self._sources(gone),
            anchors=[(h.node, anchor) for h, anchor in zip(self.headings, anchors, strict=True)
                     if h.level > 1],
            list_after=lambda matches: self._list_after(
                matches, kept_headings, final_texts, element_gone, drop),
        )

    def _anchors(self, texts: list[str]) -> list[str]:
        """Every h2/h3 with text gets an id, in document order; others keep theirs."""
        used: set[str] = set()
        anchors = []
        for heading, text in zip(self.headings, texts, strict=True):
            if heading.level == 1 or not text:
                anchors.append(heading.given_id)
            else:
                anchors.append(rules.unique_anchor(used, heading.given_id, text))
        return anchors

    def _sources_parts(self, anchors: list[str], texts: list[str]
                       ) -> list[tuple[int, int, int, int]]:
        """(first string, last string, first ordinal, last ordinal) of each Sources part."""
        gone: list[tuple[int, int, int, int]] = []
        for part in sorted(self.removed, key=lambda p: p.heading):
            heading = self.headings[part.heading]
            if any(g[2] <= heading.ordinal < g[3] for g in gone):
                continue
            if rules.is_sources_heading("h2", anchors[part.heading], texts[part.heading]):
                gone.append((heading.first_string, part.last_string, heading.ordinal,
                             part.last_ordinal + 1))
        return gone

    def _sources(self, gone: list[tuple[int, int, int, int]]) -> list[tuple[str, str]]:
        """The entries of the Sources lists: each item's first link (its text and address),
        or the item's text."""
        sources = []
        link_ordinals = [link.ordinal for link in self.links]
        for _first_string, _last_string, first, last in gone:
            for item in self.items:
                if not first <= item.ordinal < last:
                    continue
                after = bisect.bisect_right(link_ordinals, item.ordinal)
                link = self.links[after] if after < len(self.links) and (
                    self.links[after].ordinal <= item.last_ordinal) else None
                title = (self._text(link) if link is not None else "") or self._text(item)
                url = link.href.strip() if link is not None else ""
                if title or url:
                    sources.append((title, url))
        return sources

    def _sections(self, anchors: list[str], texts: dict[int, str],
                  string_gone: Callable[[int], bool] | None
                  ) -> tuple[list[tuple[int, str, str]], list[tuple[str, str | None, str]]]:
        """Headings (h2/h3 with an id) and the text under each; the text before the first
        of them is the opening, under the title."""
        headings: list[tuple[int, str, str]] = []
        sections: list[tuple[str, str | None, str]] = []
        anchor: str = ""
        heading_text: str | None = None
        chunks: list[str | None] = []
        # Where a paragraph or list item starts: the text keeps a line break there, so a
        # snippet never runs two items together ("...or back sudden shortness of breath").
        blocks = {e.first_string for e in (*self.paragraphs, *self.items)}

        def close() -> None:
            text = rules.block_text(chunks)
            if text or anchor:
                sections.append((anchor, heading_text, text))

        seen: set[int] = set()
        for index, string in enumerate(self.strings):
            if string_gone is not None and string_gone(index):
                continue
            owner = self.string_heading[index]
            if owner < 0:
                if index in blocks and chunks:
                    chunks.append(None)
                chunks.append(string)
                continue
            if owner in seen:
                continue
            seen.add(owner)
            heading = self.headings[owner]
            if heading.level == 1 or not anchors[owner]:
                continue
            headings.append((heading.level, texts[owner], anchors[owner]))
            close()
            anchor, heading_text, chunks = anchors[owner], texts[owner], []
        close()
        return headings, sections

    def _list_after(self, matches: Callable[[str], bool], kept: list[int],
                    texts: dict[int, str], element_gone: Callable[[_Element], bool],
                    drop: Callable[[int], bool] | None) -> list[str]:
        """The items of the first list after the first heading `matches` accepts that has
        a list before the next heading (within the article)."""
        lists = [lst for lst in self.lists if not element_gone(lst)]
        starts = [self.headings[i].ordinal for i in kept]
        for position, index in enumerate(kept):
            if not matches(texts[index]):
                continue
            heading = self.headings[index]
            following = starts[position + 1] if position + 1 < len(kept) else None
            found = next((lst for lst in lists if lst.ordinal > heading.ordinal), None)
            if found is None or (following is not None and following < found.ordinal):
                continue
            items = (self._text(item, drop)
                     for item in self.items[found.first_item:found.last_item]
                     if not element_gone(item))
            return [text for text in items if text]
        return []


class _HeadingFinder:
    """Whether an element holds an h1 or h2 (read with the article's rules)."""

    def __init__(self, reader: ArticleReader) -> None:
        self.reader = reader
        self.found = False

    def start(self, node: Node, name: str) -> bool:
        if self.found or self.reader.skips(node, name):
            return False
        if name in ("h1", "h2"):
            self.found = True
            return False
        return True

    def text(self, string: str) -> None:
        pass

    def end(self, name: str) -> None:
        pass


def read_article(tree: Tree, root: Node, *, strip_chrome: bool) -> ArticleParts:
    """Walk the article (or the body, without its chrome, when `strip_chrome`)."""
    reader = ArticleReader(tree, strip_chrome=strip_chrome)
    reader.hidden = _inside_not_text(tree, root)
    tree.walk(root, reader)
    return reader.finish()
