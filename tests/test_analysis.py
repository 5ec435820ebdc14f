"""indexer.analysis must give exactly what Whoosh's own analysis gives, term for term."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import analysis, fields

from indexer.analysis import chain_of, indexer_for, spelling_for
from indexer.build import scan_content
from indexer.page import parse_page
from indexer.schema import build_schema, page_document

from .conftest import CONTENT, needs_fast_path

pytestmark = needs_fast_path

SCHEMA = build_schema()
# The fields a page fills (Whoosh adds spell_* fields of its own for "did you mean").
TEXT_FIELDS = [name for name, field in SCHEMA.items()
               if indexer_for(field) is not None and not name.startswith("spell_")]
SPELLING_FIELDS = [name for name, field in SCHEMA.items() if field.separate_spelling()]


def whoosh_terms(field, value: str) -> list:
    return list(field.index(value))


def test_every_analysed_text_field_has_a_fast_indexer() -> None:
    """The fields that hold a page's words; a schema change that drops one shows here."""
    assert set(TEXT_FIELDS) == {"title", "title_words", "description", "keywords",
                                "headings", "identifiers", "body", "side_effect_text"}
    assert set(SPELLING_FIELDS) <= set(TEXT_FIELDS)
    assert all(spelling_for(SCHEMA[name]) for name in SPELLING_FIELDS)


def test_the_whole_guide_analyses_the_same() -> None:
    root = CONTENT.resolve()
    files, _ = scan_content(root)
    compared = 0
    for source in files:
        document = page_document(parse_page(source.path, root))
        for name in TEXT_FIELDS:
            field = SCHEMA[name]
            assert indexer_for(field)(document[name]) == whoosh_terms(field, document[name]), (
                source.relative, name)
            compared += 1
        for name in SPELLING_FIELDS:
            field = SCHEMA[name]
            assert spelling_for(field)(document[name]) == list(
                field.spellable_words(document[name]))
    assert compared > 50 * len(TEXT_FIELDS)


# Words from the guide, stop words, accents, numbers and odd characters, in any order.
WORDS = st.sampled_from(
    "Lupus lupus LUPUS flares flare side effect the of a I'm can't Sjögren’s naïve Œdema "
    "3.14 1,000 e-mail x2 ÉCOLE straße İstanbul ǅemal ½ ² ﬁle _under_ a.b.c .. - – — "
    "don't U.S. hydroxychloroquine rituximab 頭痛 ١٢٣".split())
TEXTS = st.lists(st.one_of(WORDS, st.text(max_size=6)), max_size=40).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(text=TEXTS)
def test_generated_queries_and_snippets_analyse_the_same(text: str) -> None:
    """The site's query words and snippet places, as the body's analyzer gives them."""
    analyzer = SCHEMA["body"].analyzer
    chain = chain_of(analyzer)
    assert chain is not None
    assert chain.query_terms(text) == [t.text for t in analyzer(text)]
    assert chain.spans(text) == [(t.text, t.startchar, t.endchar)
                                 for t in analyzer(text, chars=True, mode="query")]


@settings(max_examples=300, deadline=None)
@given(text=TEXTS)
def test_generated_text_analyses_the_same(text: str) -> None:
    for name in TEXT_FIELDS:
        field = SCHEMA[name]
        assert indexer_for(field)(text) == whoosh_terms(field, text), name
    for name in SPELLING_FIELDS:
        field = SCHEMA[name]
        assert spelling_for(field)(text) == list(field.spellable_words(text)), name


@pytest.mark.parametrize("analyzer", [
    analysis.StandardAnalyzer(),
    analysis.StemmingAnalyzer(),
    analysis.RegexTokenizer() | analysis.StopFilter(renumber=False, minsize=3),
    analysis.SpaceSeparatedTokenizer() | analysis.LowercaseFilter(),
], ids=["standard", "stemming", "stops-not-renumbered", "spaces-lowercase"])
def test_other_chains_of_known_steps_analyse_the_same(analyzer) -> None:
    text = "The quick brown foxes aren't jumping over 2 lazy dogs; the dogs sleep. A a an"
    for field in (fields.TEXT(analyzer=analyzer), fields.TEXT(analyzer=analyzer, phrase=False)):
        fast = indexer_for(field)
        assert fast is not None
        assert fast(text) == whoosh_terms(field, text)


@pytest.mark.parametrize("analyzer", [
    analysis.RegexTokenizer() | analysis.StemFilter() | analysis.LowercaseFilter(),
    analysis.NgramWordAnalyzer(3),
    analysis.RegexTokenizer(r"\s+", gaps=True),
    analysis.IDTokenizer() | analysis.LowercaseFilter(),
], ids=["reordered", "ngrams", "gaps", "other-tokenizer"])
def test_unknown_chains_are_left_to_whoosh(analyzer) -> None:
    assert chain_of(analyzer) is None
    assert indexer_for(fields.TEXT(analyzer=analyzer)) is None
