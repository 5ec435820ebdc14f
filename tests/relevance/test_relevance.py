"""The judged query set keeps its targets: success@1 >= 0.95 and success@3 >= 0.99, queries
about things the guide does not cover included (they must get "nothing has every word")."""

from pathlib import Path

from bench.judged import evaluate, load_queries
from guide_site.settings import load_settings
from guide_site.state import AppState

from ..conftest import CONTENT

QUERIES = Path(__file__).resolve().parent / "queries.tsv"


def test_judged_queries_reach_their_pages(guide_index: Path) -> None:
    queries = load_queries(QUERIES)
    assert len(queries) >= 300
    state = AppState(load_settings({}).with_paths(CONTENT, guide_index))
    report = evaluate(state.search_context(), queries)
    misses = [(o.judged.query, o.rank) for o in report.misses(3)]
    assert report.success_at_3 >= 0.99, misses
    assert report.success_at_1 >= 0.95, [(o.judged.query, o.rank) for o in report.misses(1)]
    state.close()


def test_the_set_covers_every_kind_of_query() -> None:
    queries = load_queries(QUERIES)
    kinds = {q.kind for q in queries}
    assert kinds >= {"lay", "brand", "typo", "extra-words", "fragment", "abbreviation", "short",
                     "hyphenated", "all-words", "not-covered"}
    assert sum(1 for q in queries if q.kind == "not-covered") >= 20
    assert sum(1 for q in queries if len(q.query.split()) <= 2) >= 60
