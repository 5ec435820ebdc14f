"""Ranking over arrays gives exactly Whoosh's BM25F order and scores, also after updates."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from whoosh import query as wq

from bench.judged import load_queries
from guide_site.settings import load_settings
from guide_site.state import AppState
from indexer import build
from indexer.build import build_index, update_index
from search.evaluate import query_scores
from search.query import parse_query
from search.results import SearchContext, SearchParams, _plan, search
from search.scores import ids_mask, mask_array, top_documents

from .conftest import ROOT, add_to_page

JUDGED = [j.query for j in load_queries(ROOT / "tests/relevance/queries.tsv")]
STAFF = ['"side effects" -rash', "hydroxychloroquine eye", "section:treating-lupus fever"]


def context_for(content: Path, index_dir: Path) -> SearchContext:
    return AppState(load_settings({}).with_paths(content, index_dir)).search_context()


def ranking_query(context: SearchContext, text: str) -> wq.Query | None:
    """The query the results page ranks with: every word, plus the side-by-side bonus."""
    groups, group_queries = _plan(context, parse_query(text, 300))
    queries = [q for _, q in group_queries]
    if not queries:
        return None
    every = wq.And(queries) if len(queries) > 1 else queries[0]
    bonus = context.planner.proximity(groups)
    return wq.AndMaybe(every, bonus) if bonus is not None else every


def whoosh_top(context: SearchContext, q: wq.Query, limit: int) -> list[tuple[int, float]]:
    """Whoosh's own scores, stepping its matchers over every match (no block skipping)."""
    matcher = q.matcher(context.generation.searcher)
    scored = []
    while matcher.is_active():
        scored.append((-matcher.score(), matcher.id()))
        matcher.next()
    scored.sort()
    return [(doc, -score) for score, doc in scored[:limit]]


def our_top(context: SearchContext, q: wq.Query, limit: int) -> list[tuple[int, float]]:
    terms = context.generation.term_scores
    live = mask_array(context.generation.all_mask, terms.size)
    return top_documents(query_scores(q, terms), live, limit)


def assert_same_ranking(context: SearchContext, texts: list[str]) -> int:
    compared = 0
    for text in texts:
        q = ranking_query(context, text)
        if q is None:
            continue
        expected, got = whoosh_top(context, q, 10), our_top(context, q, 10)
        assert [d for d, _ in got] == [d for d, _ in expected], text
        assert np.allclose([s for _, s in got], [s for _, s in expected], rtol=1e-9), text
        compared += 1
    return compared


def test_judged_queries_rank_exactly_as_whoosh_scores_them(guide_index: Path) -> None:
    context = context_for(ROOT / "content", guide_index)
    assert assert_same_ranking(context, JUDGED + STAFF) > 200


def test_after_an_update_deleted_pages_never_rank(content_copy: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    build_index(content_copy, index_dir)
    fatigue = content_copy / "lupus-symptoms/fatigue.html"
    fatigue.write_text(add_to_page(fatigue.read_text(), "<p>Zebrafruit tiredness.</p>"))
    update_index(content_copy, index_dir)
    context = context_for(content_copy, index_dir)
    searcher = context.generation.searcher
    assert len(searcher.reader().leaf_readers()) == 2  # the old copy is a deleted document
    assert assert_same_ranking(context, ["tiredness", "fatigue", "zebrafruit", "tired all day"])
    result = search(context, SearchParams(q="tiredness"), per_page=50)
    urls = [hit.url for hit in result.hits]
    assert urls.count("/lupus-symptoms/fatigue") == 1
    assert result.total == len(urls) == len(set(urls))


def test_ties_go_by_document_number_and_only_allowed_documents_count() -> None:
    scores = np.array([0.0, 2.0, 5.0, 2.0, 2.0, 1.0])
    allowed = np.array([True, True, True, True, False, True])
    assert top_documents(scores, allowed, 3) == [(2, 5.0), (1, 2.0), (3, 2.0)]
    assert top_documents(scores, allowed, 10) == [(2, 5.0), (1, 2.0), (3, 2.0), (5, 1.0)]
    assert top_documents(scores, ~allowed, 10) == [(4, 2.0)]


@pytest.mark.parametrize("size", [1, 7, 8, 9, 1000])
def test_bitmasks_and_arrays_agree(size: int) -> None:
    ids = np.array(sorted({0, size // 2, size - 1}), dtype=np.int64)
    mask = ids_mask(ids, size)
    assert mask == sum(1 << int(i) for i in ids)
    assert np.flatnonzero(mask_array(mask, size)).tolist() == ids.tolist()


def test_a_build_in_several_segments_answers_as_one(tmp_path: Path, guide_index: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Big builds write a segment every so many postings: the answers must not change."""
    monkeypatch.setattr(build, "SEGMENT_POSTINGS", 5_000)
    build_index(ROOT / "content", tmp_path / "index")
    split = context_for(ROOT / "content", tmp_path / "index")
    whole = context_for(ROOT / "content", guide_index)
    assert len(split.generation.searcher.reader().leaf_readers()) > 3
    assert len(whole.generation.searcher.reader().leaf_readers()) == 1
    assert split.vocabulary.counts == whole.vocabulary.counts  # "did you mean" is the same
    for text in JUDGED:
        a = search(split, SearchParams(q=text))
        b = search(whole, SearchParams(q=text))
        assert [(h.url, h.score) for h in a.hits] == [(h.url, h.score) for h in b.hits], text
        assert a.total == b.total and a.facets == b.facets
        assert a.corrected_query == b.corrected_query
