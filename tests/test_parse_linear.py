"""Reading a page takes work in proportion to its size, however deep it nests.

Counted, not timed: every function call (in Python, and into C) while a page is parsed,
at 1x, 4x and 16x its size. A check that walks an element's subtree for each element
(bs4's `tag.decomposed` did, through `Tag.__getattr__` and `find()`) grows with the size
times the depth: 16 times more calls for 4 times the page, not 4."""

from __future__ import annotations

import sys
from datetime import UTC, datetime

import pytest

from indexer.page import READERS, parse_html

from .doc_pages import doc_page

GROWTH_ALLOWED = 4.6  # 4 times the page may take at most this many times the calls


def calls_to_parse(html: str, reader: str) -> int:
    count = 0

    def count_calls(frame, event, arg) -> None:
        nonlocal count
        if event in ("call", "c_call"):
            count += 1

    sys.setprofile(count_calls)
    try:
        page = parse_html(html, "reference/page.html", modified=datetime.now(UTC),
                          content_hash="x", reader=reader)
    finally:
        sys.setprofile(None)
    assert page.title == "5. Data Structures"
    return count


@pytest.mark.parametrize("reader", READERS)
def test_work_grows_linearly_with_the_page(reader: str) -> None:
    calls = {scale: calls_to_parse(doc_page(scale), reader) for scale in (1, 4, 16)}
    assert calls[4] / calls[1] < GROWTH_ALLOWED, calls
    assert calls[16] / calls[4] < GROWTH_ALLOWED, calls


def test_the_test_page_gets_deeper_as_it_grows() -> None:
    """The pages above nest a section per heading: the 16x page is 128 sections deep."""
    from lxml import etree

    def depth(html: str) -> int:
        root = etree.fromstring(html.split("\n", 1)[1], etree.HTMLParser())
        return max(len(list(node.iterancestors())) for node in root.iter())

    assert depth(doc_page(16)) > 4 * depth(doc_page(1)) > 20
