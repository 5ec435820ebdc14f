"""The benchmark's in-process engine searches as the site does: `make bench` must measure the
real search, with its filters, not fail on every query after a change of the search's API."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from starlette.testclient import TestClient

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.append(str(BENCH))  # the bench's modules import each other by plain name

from inprocess import WhooshEngine  # noqa: E402
from queries import BenchQuery  # noqa: E402

from tests.conftest import CONTENT  # noqa: E402

QUERIES = [
    BenchQuery("single", "headache"),
    BenchQuery("natural", "can methotrexate cause hair loss"),
    BenchQuery("section", "pregnancy", section="treating-lupus"),
    BenchQuery("effect", "infusion", effect="headache"),
]


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.kind)
def test_the_bench_engine_counts_what_the_site_counts(
        guide_index: Path, client: TestClient, query: BenchQuery) -> None:
    engine = WhooshEngine.open(CONTENT, guide_index)
    try:
        counted = engine(query)
    finally:
        engine.close()
    params = {"q": query.q, "section": query.section, "effect": query.effect}
    site = client.get("/api/search", params={k: v for k, v in params.items() if v}).json()
    assert counted == site["total"] > 0
