"""Snippets: the best stretch of a section, its matches marked, cut between words, escaped."""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient

from guide_site.app import create_app
from guide_site.settings import load_settings
from indexer.analysis import chain_of
from indexer.build import build_index
from indexer.schema import SEARCH_FIELDS, text_analyzer
from search.scores import TermScores
from search.snippets import SNIPPET_CHARS, TextTokens, snippet_html

from .conftest import CONTENT, wait_for_generation

FILLER = "People with lupus often feel better with rest and a plan made with their care team. "


@pytest.fixture(scope="module")
def tokens() -> TextTokens:
    chain = chain_of(text_analyzer())
    assert chain is not None
    return TextTokens(chain.spans)


def visible(html: str) -> str:
    return re.sub(r"</?mark>", "", html)


def test_a_match_deep_in_a_long_text_gets_context_and_ellipses(tokens: TextTokens) -> None:
    text = FILLER * 6 + "A bad headache can follow an infusion. " + FILLER * 6
    html = snippet_html(text, {"headach", "infus"}, tokens)
    assert html.startswith("… ") and html.endswith(" …")
    assert "<mark>headache</mark>" in html and "<mark>infusion</mark>" in html
    body = visible(html)[2:-2]
    assert len(body) <= SNIPPET_CHARS
    assert body in text  # a real stretch of the text
    assert text[text.index(body) - 1] == " "  # cut between words, not inside one


def test_the_stretch_with_more_of_the_words_wins(tokens: TextTokens) -> None:
    text = ("Headache alone is mentioned here. " + FILLER * 8
            + "Later a headache after an infusion is described. " + FILLER * 3)
    html = snippet_html(text, {"headach", "infus"}, tokens)
    assert "<mark>infusion</mark>" in html and "Later a" in html


def test_text_is_escaped_and_no_match_gives_nothing(tokens: TextTokens) -> None:
    text = "<script>alert(1)</script> & a rash on the face"
    html = snippet_html(text, {"rash"}, tokens)
    assert "<script>" not in html and "&lt;script&gt;" in html and "&amp;" in html
    assert "<mark>rash</mark>" in html
    assert snippet_html(text, {"fever"}, tokens) == ""
    whole = snippet_html("A short <b>summary</b>.", {"fever"}, tokens, whole=True)
    assert whole == "A short &lt;b&gt;summary&lt;/b&gt;."


def test_the_app_warms_the_index_before_the_first_request(guide_index) -> None:
    settings = load_settings({}).with_paths(CONTENT, guide_index)
    with TestClient(create_app(settings)) as client:
        warmed = client.app.state.guide.generation().term_scores
        assert searched_terms(warmed) > 1000  # every search field's terms, on a small guide
        # and every page's snippet texts: at least a section and a description a page
        pages = client.app.state.guide.generation().searcher.doc_count()
        assert snippet_texts(client) >= 2 * pages > 100
    cold = load_settings({"LUPUS_GUIDE_WARM_SECONDS": "0"}).with_paths(CONTENT, guide_index)
    with TestClient(create_app(cold)) as client:
        assert searched_terms(client.app.state.guide.generation().term_scores) == 0
        assert snippet_texts(client) == 0


def snippet_texts(client: TestClient) -> int:
    return client.app.state.guide.search_context().text_tokens.of.cache_info().currsize


def searched_terms(terms: TermScores) -> int:
    """Terms of the fields searched for words that have their scores worked out (the facet
    fields' terms are there anyway: the facet counts are made from them)."""
    return sum(1 for key in terms.entries.entries if key[0] in SEARCH_FIELDS)


def test_a_reindex_is_made_ready_before_it_goes_live(content_copy, tmp_path) -> None:
    """A generation published while the site runs goes live with its facet sets and
    spelling vocabulary made (in the background), not left to the first search."""
    index_dir = tmp_path / "index"
    build_index(content_copy, index_dir)
    with TestClient(create_app(load_settings({}).with_paths(content_copy, index_dir))) as client:
        build_index(content_copy, index_dir)
        wait_for_generation(client, 2)
        state = client.app.state.guide
        generation = state.guide.current()  # the live one, without making anything more
        made = vars(generation)
        assert {"section_masks", "system_masks", "effect_masks", "vocabulary"} <= made.keys()
        assert "planner" in vars(state.search_context())
