"""A query that is exactly a name in a page's title, headings or keywords ("mod_rewrite",
"os.path.join", "--dry-run", "anti-dsDNA") puts that page first, even when other pages
use the name, or its words, more often."""

from __future__ import annotations

import shutil

import pytest

from guide_site.settings import load_settings
from guide_site.state import AppState
from indexer.build import build_index
from search.results import SearchParams, search

from .conftest import CONTENT

FILLER = "This part of the manual explains how the server reads its settings at start. " * 3


def page(title: str, *parts: str) -> str:
    body = "".join(parts)
    return (f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
            f"<p>{FILLER}</p>{body}</article></body></html>")


PAGES = {
    # The pages that hold the names, each under a heading of its own.
    "reference/url-rewriting.html": page(
        "URL Rewriting", "<h2>mod_rewrite</h2><p>Turns one address into another.</p>"),
    "reference/path-functions.html": page(
        "Path Functions", "<h2>os.path.join()</h2><p>Puts parts of a path together.</p>"),
    "reference/command-options.html": page(
        "Command Options", "<h2>--dry-run</h2><p>Shows what would change.</p>"),
    "reference/platforms.html": page(
        "Platforms", "<h2>x86_64</h2><p>The common desktop processor.</p>"),
    # Pages that use the names, or their words, more often and more prominently.
    "reference/rewrite-modules.html": page(
        "Rewrite Modules and the Mod System",
        "<p>" + "Load mod_rewrite first; mod_rewrite rules run early. " * 6 + "</p>",
        "<h2>Mod Rewrite Tips</h2><p>Rewrite rules, mod by mod.</p>"),
    "reference/path-tips.html": page(
        "Path Tips: Join Paths the OS Way",
        "<p>" + "Call os.path.join, never add strings; os.path.join is portable. " * 6
        + "</p>"),
    "reference/dry-runs.html": page(
        "Dry Run Checklists", "<p>" + "A dry run before each run. " * 8 + "</p>",
        "<h2>Run Dry First</h2><p>Always.</p>"),
    "reference/builds.html": page(
        "Builds for x86 and 64-bit Systems",
        "<p>" + "Build for x86_64 and arm64; x86_64 is the default. " * 6 + "</p>"),
}
QUERIES = {
    "mod_rewrite": "/reference/url-rewriting",
    "os.path.join": "/reference/path-functions",
    "--dry-run": "/reference/command-options",
    "x86_64": "/reference/platforms",
    "anti-dsDNA": "/diagnosing-lupus/other-antibody-tests",
    "C3": "/diagnosing-lupus/complement-and-blood-tests",
    "24-hour urine": "/diagnosing-lupus/urine-tests-and-kidney-biopsy",
}


@pytest.fixture(scope="module")
def context(tmp_path_factory):
    content = tmp_path_factory.mktemp("known") / "content"
    shutil.copytree(CONTENT, content)
    for relative, html in PAGES.items():
        (content / relative).parent.mkdir(parents=True, exist_ok=True)
        (content / relative).write_text(html, "utf-8")
    index = content.parent / "index"
    build_index(content, index)
    state = AppState(load_settings({}).with_paths(content, index))
    yield state.search_context()
    state.close()


@pytest.mark.parametrize(("query", "expected"), QUERIES.items())
def test_a_name_typed_exactly_finds_its_page_first(context, query: str,
                                                   expected: str) -> None:
    result = search(context, SearchParams(q=query), per_page=5)
    assert [hit.url for hit in result.hits][:1] == [expected], [h.url for h in result.hits]
    assert result.corrected_query is None  # the words of a name are not misspellings


def test_words_of_a_name_in_a_longer_query_are_ordinary_words(context) -> None:
    """Only a query that is the whole name gets the known item's bonus."""
    result = search(context, SearchParams(q="rewrite modules mod system"), per_page=5)
    assert result.hits[0].url == "/reference/rewrite-modules"


def test_an_option_name_is_not_read_as_words_to_exclude(context) -> None:
    result = search(context, SearchParams(q="--dry-run"), per_page=10)
    assert "/reference/dry-runs" in [hit.url for hit in result.hits]  # found, not excluded
    excluded = search(context, SearchParams(q="-checklists"), per_page=100)
    assert "/reference/dry-runs" not in [hit.url for hit in excluded.hits]
