"""The fast build (fields analysed in the parsing workers, postings grouped by term) must
write the index plain Whoosh writes: `writer.add_document(**page_document(page))`. Also in
blocks of 8 postings, so that posting lists of several blocks are compared (the guide has
no term in more than 128 pages, Whoosh's block size)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from whoosh.codec.whoosh3 import W3Codec
from whoosh.filedb.filestore import Storage
from whoosh.writing import SegmentWriter

from indexer import build, generations
from indexer.build import AnalysedPage, build_index, update_index
from indexer.schema import page_document
from indexer.whoosh_fast import writer as fast_writer

from .conftest import add_to_page, needs_fast_path

pytestmark = needs_fast_path

EDITED_NS = 1_900_000_000 * 10**9  # a file time no page of the guide has


def plain_add(writer, result: AnalysedPage, *, update: bool) -> None:
    """The reference: Whoosh analyses and files the page itself."""
    document = page_document(result.page)
    (writer.update_document if update else writer.add_document)(**document)


def use_plain_whoosh(monkeypatch: pytest.MonkeyPatch, block_limit: int) -> None:
    # A one-megabyte pool makes Whoosh sort in several runs, merged: the order the term
    # pool's grouping must reproduce.
    def codec() -> W3Codec:
        return W3Codec(compression=0, blocklimit=block_limit)

    monkeypatch.setattr(build, "_writer", lambda ix: ix.writer(limitmb=1, codec=codec()))
    monkeypatch.setattr(build, "_slice_writer", lambda ix: SegmentWriter(
        ix, _lk=False, limitmb=1, codec=codec()))
    monkeypatch.setattr(build, "_add_page", plain_add)


def segment_files(storage: Storage, segment) -> dict[str, bytes]:
    """The bytes of every file of a segment, named without the segment's random id."""
    files = segment.open_compound_file(storage) if segment.is_compound() else storage
    prefix = segment.segment_id()  # "MAIN_" and the random id
    found = {name.removeprefix(prefix): files.open_file(name).read()
             for name in files.list() if name.startswith(prefix)}
    assert {".pst", ".trm", "._stored.col"} <= found.keys()  # or nothing would be compared
    return found


def contents(index_dir: Path) -> dict:
    """Everything a search can see in an index, and the bytes of its segments."""
    live = generations.live_generation(index_dir)
    assert live is not None
    ix = generations.open_generation(live)
    try:
        with ix.reader() as reader:
            schema = ix.schema
            postings = {}
            for fieldname, tbytes in reader.all_terms():
                matcher = reader.postings(fieldname, tbytes)
                entries = []
                while matcher.is_active():
                    entries.append((matcher.id(), matcher.weight(), matcher.value()))
                    matcher.next()
                postings[fieldname, tbytes] = entries
            docs = range(reader.doc_count_all())
            scorable = [name for name, field in schema.items() if field.scorable]
            return {
                "postings": postings,
                "doc_field_lengths": {(d, name): reader.doc_field_length(d, name)
                                      for d in docs for name in scorable},
                "field_lengths": {name: reader.field_length(name) for name in scorable},
                "stored": [reader.stored_fields(d) for d in docs],
                "deleted": [reader.is_deleted(d) for d in docs],
                "columns": {name: list(reader.column_reader(name)) for name, field
                            in schema.items() if field.column_type and reader.has_column(name)},
                "segments": [(s.doc_count_all(), s._fieldlengths, sorted(s.deleted_docs()),
                              segment_files(ix.storage, s)) for s in ix._segments()],
            }
    finally:
        ix.close()


def assert_same_index(fast_dir: Path, plain_dir: Path) -> None:
    fast, plain = contents(fast_dir), contents(plain_dir)
    assert fast["postings"].keys() == plain["postings"].keys()
    for key, entries in plain["postings"].items():
        assert fast["postings"][key] == entries, key
    for part in ("doc_field_lengths", "field_lengths", "stored", "deleted", "columns"):
        assert fast[part] == plain[part], part
    assert len(fast["segments"]) == len(plain["segments"])
    for fast_segment, plain_segment in zip(fast["segments"], plain["segments"], strict=True):
        assert fast_segment[:3] == plain_segment[:3]
        assert fast_segment[3].keys() == plain_segment[3].keys()
        for name, data in plain_segment[3].items():
            assert fast_segment[3][name] == data, f"segment file {name} differs"


def edit(content: Path) -> None:
    """A change, an addition and a removal, for an update; the same file times in both
    copies of the guide, since a page's time is indexed."""
    fatigue = content / "lupus-symptoms/fatigue.html"
    fatigue.write_text(add_to_page(fatigue.read_text(), "<p>Zebrafruit.</p>"))
    travel = (content / "living-with-lupus/travel.html").read_text()
    trips = content / "living-with-lupus/trips.html"
    trips.write_text(travel.replace("Travel", "Trips"))
    for page in (fatigue, trips):
        os.utime(page, ns=(EDITED_NS, EDITED_NS))
    (content / "lupus-symptoms/hair-loss.html").unlink()


def longest_posting_list(index_dir: Path) -> int:
    return max(len(entries) for entries in contents(index_dir)["postings"].values())


@pytest.mark.parametrize("block_limit", [128, 8], ids=["blocks-of-128", "blocks-of-8"])
@pytest.mark.parametrize("parallel_from", [
    pytest.param(5, id="worker-pool", marks=pytest.mark.slow),  # starts worker processes
    pytest.param(10**6, id="in-process"),
])
def test_fast_build_and_update_write_what_plain_whoosh_writes(
    odd_guide: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parallel_from: int,
    block_limit: int,
) -> None:
    monkeypatch.setattr(build, "PARALLEL_FROM", parallel_from)
    monkeypatch.setattr(fast_writer, "BLOCK_LIMIT", block_limit)  # the workers fork after
    plain_content = tmp_path / "plain-content"
    shutil.copytree(odd_guide, plain_content)
    fast = build_index(odd_guide, tmp_path / "fast")
    with monkeypatch.context() as patch:
        use_plain_whoosh(patch, block_limit)
        plain = build_index(plain_content, tmp_path / "plain")
    assert fast.pages == plain.pages > 50
    assert [e.path for e in fast.errors] == ["lupus-symptoms/broken.html"]
    assert_same_index(tmp_path / "fast", tmp_path / "plain")
    # The worker pool indexes a run of consecutive pages each, into segments of its own.
    assert len(contents(tmp_path / "fast")["segments"]) == (1 if parallel_from > 100 else 2)
    if block_limit == 8:  # many posting lists of several blocks (of 128: none in the guide)
        assert longest_posting_list(tmp_path / "fast") > 3 * block_limit

    for content in (odd_guide, plain_content):
        edit(content)
    update_index(odd_guide, tmp_path / "fast")
    with monkeypatch.context() as patch:
        use_plain_whoosh(patch, block_limit)
        update_index(plain_content, tmp_path / "plain")
    assert_same_index(tmp_path / "fast", tmp_path / "plain")
