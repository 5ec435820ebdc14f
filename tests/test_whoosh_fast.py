"""indexer.whoosh_fast: the only module with Whoosh's private names, used on a proven Whoosh
only. Anywhere else (another version, a missing internal, LUPUS_GUIDE_WHOOSH_FAST=off) the
project runs on plain Whoosh, says so once, and gives the same index, ranking and answers."""

from __future__ import annotations

import ast
import logging
import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import whoosh
from starlette.testclient import TestClient
from whoosh.analysis import StemFilter
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.scoring import BM25F

from guide_site.app import create_app
from guide_site.settings import load_settings
from indexer import build, generations, whoosh_fast
from indexer.analysis import chain_of
from indexer.build import build_index, update_index
from indexer.schema import BODY, build_schema
from indexer.whoosh_fast import inventory, switch
from indexer.whoosh_fast import writer as fast_writer
from search.results import SearchParams, search

from .conftest import CONTENT, ROOT, add_to_page, needs_fast_path, plain_whoosh_only
from .test_build_equivalence import contents, edit
from .test_ranking import JUDGED, STAFF, assert_same_ranking, context_for, our_top, ranking_query

# Whoosh's classes that are not its public API: only indexer/whoosh_fast may name them.
PRIVATE_CLASSES = {"W3LeafMatcher", "W3PostingsWriter", "W3FieldWriter", "SegmentWriter",
                   "DisjunctionMaxMatcher", "W3Codec"}
PRIVATE_ATTRIBUTES = {name for names in (*inventory.PRIVATE_NAMES.values(),
                                         *inventory.INSTANCE_ATTRIBUTES.values())
                      for name in names if name.startswith("_")}
MISSPELT = ["plaquinel", "hydroxychloroqine", "methotrexat", "fatigeu", "benlista", "rashes"]


def project_modules() -> list[Path]:
    """The project's own code outside indexer/whoosh_fast (tests excepted: they compare
    against Whoosh's internals on purpose)."""
    paths = [p for folder in ("indexer", "search", "insights", "site", "bench")
             for p in sorted((ROOT / folder).rglob("*.py"))]
    return [p for p in paths if "whoosh_fast" not in p.parts]


def private_uses(source: str, name: str) -> list[str]:
    """Private Whoosh names a module uses: a listed private attribute of anything but
    self, a private class, or a private name imported from Whoosh."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute):
            owner = node.value.id if isinstance(node.value, ast.Name) else None
            if node.attr in PRIVATE_ATTRIBUTES and owner not in ("self", "cls"):
                found.append(f"{name}:{node.lineno} .{node.attr}")
            elif node.attr in PRIVATE_CLASSES:
                found.append(f"{name}:{node.lineno} {node.attr}")
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("whoosh"):
            found.extend(f"{name}:{node.lineno} {alias.name}" for alias in node.names
                         if alias.name in PRIVATE_CLASSES or alias.name.startswith("_")
                         or alias.name == "pack_uint")
        elif isinstance(node, ast.Name) and node.id in PRIVATE_CLASSES:
            found.append(f"{name}:{node.lineno} {node.id}")
    return found


def test_no_module_outside_whoosh_fast_uses_a_private_whoosh_name() -> None:
    modules = project_modules()
    assert len(modules) > 40
    assert [use for path in modules
            for use in private_uses(path.read_text("utf-8"), str(path.relative_to(ROOT)))] == []


def test_the_check_finds_the_old_way_of_reading_a_posting_list() -> None:
    """The check above, on code the read side had before (so it can fail)."""
    old = ("from whoosh.codec.whoosh3 import W3LeafMatcher\n"
           "def read(matcher, corrector):\n"
           "    if isinstance(matcher, W3LeafMatcher):\n"
           "        matcher._read_ids()\n"
           "    return matcher._ids[matcher._i:], corrector._suggestions('x', 1, 1)\n")
    uses = private_uses(old, "search/scores.py")
    assert sorted(use.split()[-1] for use in uses) == [
        "._i", "._ids", "._read_ids", "._suggestions", "W3LeafMatcher", "W3LeafMatcher"]


def test_the_proven_whoosh_has_every_private_name_of_the_inventory(tmp_path: Path) -> None:
    assert switch.installed_version() in switch.PROVEN_VERSIONS
    assert switch.missing_internals() == []
    # Attributes that only made objects have: a posting list read from disk, the scorer,
    # the stemming filter.
    content = tmp_path / "content"
    shutil.copytree(CONTENT / "other-drugs", content / "other-drugs")
    build_index(content, tmp_path / "index")
    live = generations.live_generation(tmp_path / "index")
    assert live is not None
    with generations.open_generation(live).reader() as reader:
        matcher = reader.postings(BODY, b"lupu")  # "lupus", stemmed
        assert isinstance(matcher, W3LeafMatcher)
        matcher._read_ids()
        assert all(hasattr(matcher, name) for name in
                   inventory.INSTANCE_ATTRIBUTES["whoosh.codec.whoosh3:W3LeafMatcher"])
    assert isinstance(BM25F(body_B=0.5)._field_B, dict)
    assert StemFilter()._stem("flares") == "flare"


@pytest.fixture
def unproven_whoosh() -> Iterator[pytest.MonkeyPatch]:
    """The installed Whoosh says it is 2.7.5, a version the fast paths were never run on."""
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("LUPUS_GUIDE_WHOOSH_FAST", raising=False)  # the version alone decides
        patch.setattr(whoosh, "__version__", (2, 7, 5))
        patch.setattr(switch, "_logged", set())
        yield patch
    whoosh_fast.refresh()


def never(*args, **kwargs):
    raise AssertionError("a fast path ran on an unproven Whoosh")


def test_an_unknown_whoosh_version_gets_plain_whoosh_and_says_so_once(
    unproven_whoosh: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    for name in ("add_prepared", "update_prepared"):
        unproven_whoosh.setattr(fast_writer.PreparedWriter, name, never)
    unproven_whoosh.setattr(build, "prepare_document", never)
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    with caplog.at_level(logging.WARNING, logger="lupus_guide"):
        assert whoosh_fast.refresh() is False
        assert whoosh_fast.enabled() is False
        built = build_index(content, tmp_path / "index")
        fatigue = content / "lupus-symptoms/fatigue.html"
        fatigue.write_text(add_to_page(fatigue.read_text(), "<p>Zebrafruit.</p>"))
        updated = update_index(content, tmp_path / "index")
        whoosh_fast.refresh()  # decided again: still plain, and not said again
    lines = [r.getMessage() for r in caplog.records if "plain Whoosh" in r.getMessage()]
    assert len(lines) == 1, lines
    assert "Whoosh 2.7.5" in lines[0] and "2.7.4" in lines[0] and "\n" not in lines[0]
    assert built.pages == len(list(CONTENT.glob("*/*.html"))) and not built.errors
    assert updated.changed == ["lupus-symptoms/fatigue.html"]
    assert chain_of(build_schema()[BODY].analyzer) is None  # Whoosh analyses queries too
    context = context_for(content, tmp_path / "index")
    assert search(context, SearchParams(q="zebrafruit")).hits[0].url == "/lupus-symptoms/fatigue"
    assert context.vocabulary.correct("plaquinel") == "plaquenil"


def test_a_proven_version_without_one_of_the_internals_gets_plain_whoosh(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delattr(W3LeafMatcher, "_read_ids")
    decision = switch.decide(environ={})
    assert not decision.fast
    assert "whoosh.codec.whoosh3:W3LeafMatcher._read_ids" in decision.reason


def test_the_switch_setting() -> None:
    assert switch.decide(environ={}).fast
    assert switch.decide(environ={"LUPUS_GUIDE_WHOOSH_FAST": "auto"}).fast
    off = switch.decide(environ={"LUPUS_GUIDE_WHOOSH_FAST": "off"})
    assert not off.fast and "LUPUS_GUIDE_WHOOSH_FAST=off" in off.reason
    assert not switch.decide(version=(3, 0, 0), environ={}).fast
    with pytest.raises(ValueError, match="LUPUS_GUIDE_WHOOSH_FAST must be one of auto, off"):
        switch.decide(environ={"LUPUS_GUIDE_WHOOSH_FAST": "fast please"})


# -- the same answers with plain Whoosh: a build, the index, the ranking, a search over HTTP --


def searchable(index_dir: Path) -> dict:
    """What a search can see in an index. Plain Whoosh writes one segment, compressed,
    where the fast build writes one per worker: so not the segments' bytes, nor what only
    differs by segment (a spelling word's entries, document 0 of each segment: the words
    are what counts; a field's length in a segment without the field, 0 or None)."""
    found = contents(index_dir)
    del found["segments"]
    found["postings"] = {key: "a word" if key[0].startswith("spell_") else entries
                         for key, entries in found["postings"].items()}
    found["doc_field_lengths"] = {key: length or 0
                                  for key, length in found["doc_field_lengths"].items()}
    return found


@needs_fast_path
@pytest.mark.parametrize("parallel_from", [
    pytest.param(5, id="worker-pool", marks=pytest.mark.slow),  # starts worker processes
    pytest.param(10**6, id="in-process"),
])
def test_plain_whoosh_builds_and_updates_the_index_the_fast_path_builds(
    odd_guide: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parallel_from: int
) -> None:
    monkeypatch.setattr(build, "PARALLEL_FROM", parallel_from)
    plain_content = tmp_path / "plain-content"
    shutil.copytree(odd_guide, plain_content)
    fast = build_index(odd_guide, tmp_path / "fast")
    with plain_whoosh_only():
        plain = build_index(plain_content, tmp_path / "plain")
    assert fast.pages == plain.pages > 50 and fast.workers == plain.workers
    assert [e.path for e in plain.errors] == ["lupus-symptoms/broken.html"]
    assert searchable(tmp_path / "plain") == searchable(tmp_path / "fast")
    for content in (odd_guide, plain_content):
        edit(content)
    update_index(odd_guide, tmp_path / "fast")
    with plain_whoosh_only():
        update_index(plain_content, tmp_path / "plain")
    assert searchable(tmp_path / "plain") == searchable(tmp_path / "fast")


def top_urls(context, texts: list[str]) -> dict[str, list[tuple[str, float]]]:
    """Each query's ten best pages (by path) and scores, from the arrays."""
    searcher = context.generation.searcher
    found = {}
    for text in texts:
        q = ranking_query(context, text)
        if q is not None:
            found[text] = [(searcher.stored_fields(doc)["path"], score)
                           for doc, score in our_top(context, q, 10)]
    return found


@needs_fast_path
def test_plain_whoosh_ranks_and_answers_as_the_fast_path(
    guide_index: Path, client: TestClient, tmp_path: Path
) -> None:
    """Ranking order and scores, "did you mean" and the JSON search over HTTP (a quarter
    of the judged queries: the ranking tests run them all on the fast path)."""
    texts = JUDGED[::4] + STAFF
    fast_context = context_for(CONTENT, guide_index)
    fast_tops = top_urls(fast_context, texts)
    fast_answers = {q: client.get("/api/search", params={"q": q}).json()
                    for q in [*texts[::8], *MISSPELT]}
    with plain_whoosh_only():
        build_index(CONTENT, tmp_path / "plain")
        context = context_for(CONTENT, tmp_path / "plain")
        assert context.planner.chain is None  # queries analysed by Whoosh itself
        assert assert_same_ranking(context, texts) > 80  # arrays agree with Whoosh's matchers
        plain_tops = top_urls(context, texts)
        settings = load_settings({"LUPUS_GUIDE_WARM_SECONDS": "0"}).with_paths(
            CONTENT, tmp_path / "plain")
        with TestClient(create_app(settings)) as plain_client:
            plain_answers = {q: plain_client.get("/api/search", params={"q": q}).json()
                             for q in fast_answers}
    assert plain_tops.keys() == fast_tops.keys()
    for text, fast_top in fast_tops.items():
        assert [url for url, _ in plain_tops[text]] == [url for url, _ in fast_top], text
        assert np.allclose([s for _, s in plain_tops[text]], [s for _, s in fast_top],
                           rtol=1e-9), text
    for q, fast_answer in fast_answers.items():
        plain_answer = plain_answers[q]
        assert [r["url"] for r in plain_answer["results"]] == [
            r["url"] for r in fast_answer["results"]], q
        assert (plain_answer["total"], plain_answer["corrected_query"], plain_answer["facets"]
                ) == (fast_answer["total"], fast_answer["corrected_query"],
                      fast_answer["facets"]), q
    assert any(fast_answers[q]["corrected_query"] for q in MISSPELT)
