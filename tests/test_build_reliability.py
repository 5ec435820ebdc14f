"""A published generation is never written in place; a long `watch` keeps no more in memory
after 200 updates than after 20; a failed build or update leaves nothing open."""

from __future__ import annotations

import contextlib
import gc
import json
import os
import shutil
from pathlib import Path

import pytest
from whoosh.fields import Schema
from whoosh.writing import SegmentWriter

from indexer import build, generations, prepared
from indexer.build import build_index, update_index

from .conftest import CONTENT, add_to_page

PAGE = ("<html><head><title>Rest</title></head><body><article><h1>Rest</h1>"
        f"<p>{'Rest helps on a bad day. ' * 12}{{extra}}</p></article></body></html>")


def open_files() -> set[str]:
    """What this process has open (files, sockets, pipes), by target."""
    found = set()
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):  # the listing's own descriptor, closed by now
            found.add(os.readlink(f"/proc/self/fd/{fd}"))
    return found


def test_an_update_of_file_times_only_replaces_the_manifest_whole(
    content_copy: Path, tmp_path: Path
) -> None:
    """A reader that opened manifest.json before the update reads the whole old file; the
    new one is another file put in its place (a truncate-and-write would be seen half done)."""
    index_dir = tmp_path / "index"
    first = build_index(content_copy, index_dir)
    live = generations.live_generation(index_dir)
    assert live is not None
    manifest_path = live.path / generations.MANIFEST
    old_bytes = manifest_path.read_bytes()
    page = content_copy / "treating-lupus/methotrexate.html"
    os.utime(page, ns=(1_900_000_000 * 10**9, 1_900_000_000 * 10**9))  # time stamp only
    with manifest_path.open("rb") as reader:
        report = update_index(content_copy, index_dir)
        assert report.touched == 0 and report.generation == first.generation
        assert reader.read() == old_bytes  # the file it opened is untouched
    new = json.loads(manifest_path.read_text("utf-8"))
    assert new["pages"]["treating-lupus/methotrexate.html"]["mtime_ns"] == 1_900_000_000 * 10**9
    assert new["generation"] == first.generation
    assert sorted(p.name for p in live.path.iterdir() if p.name.startswith(".")) == []
    again = update_index(content_copy, index_dir)  # nothing to do now
    assert again.touched == 0 and manifest_path.read_text("utf-8") == json.dumps(new, indent=1)


@pytest.mark.slow  # 200 updates (about 10 s)
def test_200_updates_keep_no_more_in_memory_than_20(tmp_path: Path) -> None:
    """What `lupus-guide watch` does: update after update in one process. Each update reads
    its own schema; the fast analysis functions kept for them, and the schemas themselves,
    must not pile up."""
    content, index_dir = tmp_path / "content", tmp_path / "index"
    (content / "living-with-lupus").mkdir(parents=True)
    page = content / "living-with-lupus/rest.html"
    page.write_text(PAGE.format(extra=""))
    build_index(content, index_dir)

    def updates(start: int, stop: int) -> tuple[int, int]:
        for n in range(start, stop):
            page.write_text(PAGE.format(extra=f"Edit {n}."))
            assert update_index(content, index_dir).changed == ["living-with-lupus/rest.html"]
        gc.collect()
        return prepared.cached_fields(), sum(isinstance(o, Schema) for o in gc.get_objects())

    after_20 = updates(0, 20)
    after_200 = updates(20, 200)
    assert after_200 == after_20
    if build.whoosh_fast.enabled():
        assert 0 < after_200[0] <= prepared.SCHEMAS_KEPT * len(build.build_schema().names())


def failing_add_page(writer, result, *, update: bool) -> None:
    raise OSError(28, "No space left on device")


def assert_nothing_left_open(before: set[str], index_dir: Path) -> None:
    opened = {path for path in open_files() - before if str(index_dir) in path}
    assert opened == set()
    assert not list(index_dir.glob(generations.BUILD_PREFIX + "*"))


@pytest.mark.parametrize("failure", ["page", "commit"])
def test_a_failed_update_leaves_nothing_open_and_the_next_update_works(
    content_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: str
) -> None:
    index_dir = tmp_path / "index"
    first = build_index(content_copy, index_dir)
    fatigue = content_copy / "lupus-symptoms/fatigue.html"
    fatigue.write_text(add_to_page(fatigue.read_text(), "<p>Zebrafruit.</p>"))
    before = open_files()
    with monkeypatch.context() as patch:
        if failure == "page":
            patch.setattr(build, "_add_page", failing_add_page)
        else:
            patch.setattr(build, "_writer", failing_commit_writer(build._writer))
        with pytest.raises(OSError, match="No space left") as failed:
            update_index(content_copy, index_dir)
        # The error (and its traceback, with the writer in it) is still held here: what
        # the writer opened must be closed all the same, and its lock released.
        assert failed.value is not None
        assert_nothing_left_open(before, index_dir)
    live = generations.live_generation(index_dir)
    assert live is not None and live.number == first.generation
    report = update_index(content_copy, index_dir)
    assert report.changed == ["lupus-symptoms/fatigue.html"]
    assert report.generation == (first.generation or 0) + 1


def failing_commit_writer(make_writer):
    """The build's usual writers, whose commit fails part way (the disk fills up while
    the new segment is written)."""

    def writer_of(ix):
        writer = make_writer(ix)

        def flush() -> None:
            raise OSError(28, "No space left on device")

        writer._flush_segment = flush
        return writer

    return writer_of


def test_a_failed_build_commit_leaves_nothing_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = tmp_path / "content"
    shutil.copytree(CONTENT / "other-drugs", content / "other-drugs")
    index_dir = tmp_path / "index"
    before = open_files()
    with monkeypatch.context() as patch:
        patch.setattr(SegmentWriter, "_commit_toc", failing_toc)  # and so ours
        with pytest.raises(OSError, match="No space left") as failed:
            build_index(content, index_dir)
        assert failed.value is not None
        assert_nothing_left_open(before, index_dir)
    assert generations.live_generation(index_dir) is None
    assert build_index(content, index_dir).pages == 6


def failing_toc(self, segments) -> None:
    """The table of contents cannot be written: the last step of the build's commit."""
    raise OSError(28, "No space left on device")
