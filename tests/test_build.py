"""Builds and updates on a real Whoosh index in a temp dir."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from whoosh import query as wq

from indexer import build, generations, schema
from indexer import page as page_module
from indexer.build import build_index, update_index

from .conftest import CONTENT, FIXTURES, add_to_page

IVIG_PAIRS = [
    ["Neurologic", "headache"],
    ["Neurologic", "dizziness"],
    ["Neurologic", "aseptic meningitis"],
    ["Other", "fever"],
    ["Other", "chill"],
    ["Other", "flushing"],
    ["Other", "tiredness"],
    ["Gastrointestinal", "abdominal cramp"],
    ["Gastrointestinal", "nausea"],
    ["Gastrointestinal", "vomiting"],
    ["Musculoskeletal", "back pain"],
    ["Musculoskeletal", "hip pain"],
    ["Musculoskeletal", "muscle pain"],
    ["Musculoskeletal", "joint pain"],
    ["Dermatologic", "rash"],
    ["Dermatologic", "skin reaction at the needle site"],
    ["Mood", "anxiety"],
    ["Cardiovascular", "blood clot"],
    ["Kidney and Urinary", "kidney failure"],
    ["Blood", "hemolysis"],
]


def stored(index_dir: Path, path: str) -> dict | None:
    live = generations.live_generation(index_dir)
    assert live is not None
    with generations.open_generation(live).searcher() as searcher:
        return searcher.document(path=path)


def count_docs(index_dir: Path) -> int:
    live = generations.live_generation(index_dir)
    assert live is not None
    ix = generations.open_generation(live)
    try:
        return ix.doc_count()
    finally:
        ix.close()


def search_body(index_dir: Path, word: str) -> list[str]:
    live = generations.live_generation(index_dir)
    assert live is not None
    with generations.open_generation(live).searcher() as searcher:
        hits = searcher.search(wq.Term(schema.BODY, word), limit=None)
        return [hit[schema.PATH] for hit in hits]


def test_ivig_side_effect_pairs_in_the_index(guide_index: Path) -> None:
    document = stored(guide_index, "other-drugs/ivig.html")
    assert document is not None
    assert json.loads(document[schema.PAIRS_JSON]) == IVIG_PAIRS
    assert "headache" in document[schema.SIDE_EFFECT].split(",")
    assert document[schema.BODY_SYSTEM].split(",") == [
        "Blood", "Cardiovascular", "Dermatologic", "Gastrointestinal", "Kidney and Urinary",
        "Mood", "Musculoskeletal", "Neurologic", "Other"]


def test_every_page_of_the_guide_is_indexed(guide_index: Path) -> None:
    pages = list(CONTENT.glob("*/*.html"))
    assert count_docs(guide_index) == len(pages) >= 54


def test_chrome_of_old_pages_stays_out(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "old-site", content)
    shutil.copytree(CONTENT / "other-drugs", content / "other-drugs")
    build_index(content, tmp_path / "index")
    assert search_body(tmp_path / "index", "sitemap") == []
    assert search_body(tmp_path / "index", "copyright") == []
    assert search_body(tmp_path / "index", "newslett") == []
    assert search_body(tmp_path / "index", "leflunomid") == ["treating-lupus/old-style-drug.html"]


def test_a_bad_page_is_reported_and_the_rest_indexes(content_copy: Path, tmp_path: Path) -> None:
    (content_copy / "lupus-symptoms/broken.html").write_bytes(b"\x00\x00garbage")
    (content_copy / "lupus-symptoms/untitled.html").write_text(
        "<html><body><p>" + "words " * 50 + "</p></body></html>")
    report = build_index(content_copy, tmp_path / "index")
    reasons = {e.path: e.reason for e in report.errors}
    assert "binary" in reasons["lupus-symptoms/broken.html"]
    assert "no title" in reasons["lupus-symptoms/untitled.html"]
    assert report.pages == count_docs(tmp_path / "index") == len(list(CONTENT.glob("*/*.html")))


def test_update_touches_only_changed_pages(content_copy: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    first = build_index(content_copy, index_dir)
    fatigue = content_copy / "lupus-symptoms/fatigue.html"
    fatigue.write_text(add_to_page(fatigue.read_text(), "<p>Zebrafruit.</p>"))
    travel = (content_copy / "living-with-lupus/travel.html").read_text()
    (content_copy / "living-with-lupus/trips.html").write_text(
        travel.replace("<h1>Travel</h1>", "<h1>Trips</h1>").replace(
            "<title>Travel</title>", "<title>Trips</title>"))
    (content_copy / "lupus-symptoms/hair-loss.html").unlink()
    os.utime(content_copy / "treating-lupus/methotrexate.html")  # time stamp only
    report = update_index(content_copy, index_dir)
    assert report.changed == ["lupus-symptoms/fatigue.html"]
    assert report.added == ["living-with-lupus/trips.html"]
    assert report.removed == ["lupus-symptoms/hair-loss.html"]
    assert report.generation == (first.generation or 0) + 1
    assert count_docs(index_dir) == first.pages
    assert search_body(index_dir, "zebrafruit") == ["lupus-symptoms/fatigue.html"]
    assert stored(index_dir, "lupus-symptoms/hair-loss.html") is None
    again = update_index(content_copy, index_dir)
    assert again.touched == 0 and again.generation == report.generation


def test_update_keeps_the_last_good_copy_of_a_page_that_breaks(
    content_copy: Path, tmp_path: Path
) -> None:
    index_dir = tmp_path / "index"
    build_index(content_copy, index_dir)
    (content_copy / "lupus-symptoms/fatigue.html").write_bytes(b"")
    report = update_index(content_copy, index_dir)
    assert [e.path for e in report.errors] == ["lupus-symptoms/fatigue.html"]
    assert stored(index_dir, "lupus-symptoms/fatigue.html") is not None


def test_old_readers_keep_working_and_new_readers_see_the_new_generation(
    content_copy: Path, tmp_path: Path
) -> None:
    from search.guide import Guide

    index_dir = tmp_path / "index"
    build_index(content_copy, index_dir)
    live = Guide(index_dir, content_copy)
    before = live.current()
    page = content_copy / "lupus-symptoms/fatigue.html"
    page.write_text(add_to_page(page.read_text(), "<p>Quokkaberry tea.</p>"))
    for _ in range(3):  # several generations, so the first one's folder is cleaned up
        build_index(content_copy, index_dir)
    hits = before.searcher.search(wq.Term(schema.BODY, "fatigu"), limit=5)
    assert len(hits) > 0 and hits[0][schema.TITLE]
    live.current()  # notices the new generation and opens it in the background
    live.wait_until_ready()
    after = live.current()
    assert after.number == before.number + 3
    assert after.searcher.search(wq.Term(schema.BODY, "quokkaberri")).scored_length() == 1
    live.close()


def test_a_new_generation_is_made_ready_before_requests_see_it(
    content_copy: Path, tmp_path: Path
) -> None:
    """Requests keep the old generation while the new one is opened and warmed up, so no
    search after a reindex pays for that."""
    from search.guide import Guide

    index_dir = tmp_path / "index"
    build_index(content_copy, index_dir)
    release, prepared = threading.Event(), []

    def prepare(context) -> None:
        prepared.append(context.generation.number)
        assert release.wait(30)

    live = Guide(index_dir, content_copy, prepare=prepare)
    before = live.current()
    assert prepared == []  # the first generation opens at once: there is nothing else
    build_index(content_copy, index_dir)
    for _ in range(20):  # requests meanwhile: the old generation, and no second thread
        assert live.current() is before
    deadline = time.monotonic() + 10
    while not prepared and time.monotonic() < deadline:
        time.sleep(0.01)
    assert prepared == [before.number + 1]
    assert live.current() is before
    release.set()
    live.wait_until_ready()
    assert live.current().number == before.number + 1
    assert prepared == [before.number + 1]
    live.close()


def test_an_old_generation_closes_when_no_request_holds_it(content_copy: Path,
                                                            tmp_path: Path) -> None:
    from whoosh.reading import ReaderClosed

    from search.guide import Guide

    index_dir = tmp_path / "index"
    build_index(content_copy, index_dir)
    guide = Guide(index_dir, content_copy)
    with guide.hold() as held:
        old = held.generation
        build_index(content_copy, index_dir)
        guide.current()
        guide.wait_until_ready()
        assert guide.current().number == old.number + 1
        assert guide.retired() == 1  # still held: open, and still searchable
        assert old.searcher.search(wq.Term(schema.BODY, "fatigu"), limit=1).scored_length()
    assert guide.retired() == 0  # the request let go: closed, its caches dropped
    with pytest.raises(ReaderClosed):
        old.searcher.search(wq.Term(schema.BODY, "fatigu"), limit=1)
    guide.close()


def cli(*args: str, **kwargs) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "indexer.cli", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, **kwargs)


@pytest.fixture
def big_content(tmp_path: Path) -> Path:
    """The guide eight times over (about 460 pages), so a build takes a few seconds."""
    content = tmp_path / "big"
    for copy in range(8):
        for page in CONTENT.glob("*/*.html"):
            target = content / page.parent.name / f"{page.stem}-{copy}.html"
            target.parent.mkdir(parents=True, exist_ok=True)
            html = page.read_text().replace("<h1>", f"<h1>Copy {copy}: ").replace(
                "<title>", f"<title>Copy {copy}: ")
            target.write_text(html)
    return content


def building(index_dir: Path) -> bool:
    """Whether a writer is writing a new generation (its .build-* folder is there)."""
    return bool(list(index_dir.glob(generations.BUILD_PREFIX + "*")))


# The CLI's build, with every page it files noted as a line in a file, and held after
# each page while a "hold" file exists (the workers are forked, so they inherit the wrapped
# `_add_page`): a test can act at a known point of the writing rather than after a guessed
# time, which a busy machine upsets.
COUNTED_BUILD = """
import os, sys, time
from indexer import build, cli
add_page, notes, hold = build._add_page, sys.argv.pop(1), sys.argv.pop(1)
def counted(writer, result, *, update):
    add_page(writer, result, update=update)
    with open(notes, "a") as out:
        out.write(result.page.path + "\\n")
    while os.path.exists(hold):
        time.sleep(0.01)
build._add_page = counted
cli.main()
"""


def counted_build(notes: Path, hold: Path, *args: str, **options) -> subprocess.Popen:
    """`lupus-guide` with COUNTED_BUILD's wrapping (hold: a path that may never exist)."""
    return subprocess.Popen([sys.executable, "-c", COUNTED_BUILD, str(notes), str(hold), *args],
                            **options)


def pages_filed(notes: Path) -> int:
    return notes.read_text().count("\n") if notes.exists() else 0


def wait_for_pages(process: subprocess.Popen, index_dir: Path, notes: Path, filed: int) -> None:
    """Waits until the build writes its generation and has filed `filed` pages; fails if
    it ends first or never gets there."""
    deadline = time.monotonic() + 120
    while not (building(index_dir) and pages_filed(notes) >= filed):
        assert process.poll() is None, "the build finished before it got there"
        assert time.monotonic() < deadline, "the build never got there"
        time.sleep(0.002)


@pytest.mark.slow  # builds in subprocesses
def test_a_killed_build_leaves_the_live_index_searchable(big_content: Path, tmp_path: Path) -> None:
    """Builds SIGKILLed while they write a generation with a page the live one does not
    have (leflunomide): the live index stays the one before, whole, without that page."""
    index_dir = tmp_path / "index"
    good = build_index(big_content, index_dir)
    shutil.copy(FIXTURES / "old-site/treating-lupus/old-style-drug.html",
                big_content / "treating-lupus/leflunomide.html")
    # Killed as soon as it starts writing, then once a quarter and half of the pages are filed.
    for attempt, filed in enumerate((0, good.pages // 4, good.pages // 2)):
        notes = tmp_path / f"filed-{attempt}.txt"
        process = counted_build(
            notes, tmp_path / "no-hold", "build", "--content", str(big_content),
            "--index", str(index_dir), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_pages(process, index_dir, notes, filed)
        process.send_signal(signal.SIGKILL)  # the build only: its parsing workers follow it
        assert process.wait(timeout=30) == -signal.SIGKILL
        assert pages_filed(notes) < good.pages + 1  # killed before it filed every page
        live = generations.live_generation(index_dir)
        assert live is not None and live.number == good.generation
        assert count_docs(index_dir) == good.pages
        assert search_body(index_dir, "leflunomid") == []
        assert len(search_body(index_dir, "fatigu")) > 0
    result = cli("build", "--content", str(big_content), "--index", str(index_dir))
    assert result.returncode == 0, result.stderr
    assert count_docs(index_dir) == good.pages + 1
    assert search_body(index_dir, "leflunomid") == ["treating-lupus/leflunomide.html"]
    assert not building(index_dir)  # half-written generations are cleaned up
    assert len(list(index_dir.glob("gen-*"))) <= 1 + generations.KEEP_OLD


@pytest.mark.slow  # a guide of 460 pages, built by worker processes, twice
def test_a_failing_worker_stops_the_build_and_keeps_the_live_index(
    big_content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A disk that fills up under one of the parallel writers: the build stops with the
    reason, the live generation is the one before, and nothing half-written is left."""
    index_dir = tmp_path / "index"
    good = build_index(big_content, index_dir)
    assert good.workers > 1  # the parallel path, one run of pages per worker
    last = sorted(p.relative_to(big_content).as_posix() for p in big_content.rglob("*.html"))[-1]
    add_page = build._add_page

    def disk_full_at_the_last_page(writer, result, *, update: bool) -> None:
        if result.page.path == last:
            raise OSError(28, "No space left on device")
        add_page(writer, result, update=update)

    monkeypatch.setattr(build, "_add_page", disk_full_at_the_last_page)  # workers fork after
    with pytest.raises(OSError, match="No space left"):
        build_index(big_content, index_dir)
    live = generations.live_generation(index_dir)
    assert live is not None and live.number == good.generation
    assert count_docs(index_dir) == good.pages
    assert not list(index_dir.glob(".build-*"))


@pytest.mark.slow  # the lupus-guide command in subprocesses
def test_two_writers_never_corrupt_the_index(big_content: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    env = {**os.environ, "LUPUS_GUIDE_LOCK_TIMEOUT": "0.2"}
    arguments = ["build", "--content", str(big_content), "--index", str(index_dir)]
    notes, hold = tmp_path / "filed.txt", tmp_path / "hold"
    hold.touch()  # the first build holds after its first page until the second has tried
    first = counted_build(notes, hold, *arguments, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True)
    try:
        wait_for_pages(first, index_dir, notes, 1)
        second = subprocess.run([sys.executable, "-m", "indexer.cli", *arguments], env=env,
                                capture_output=True, text=True, timeout=120)
    finally:
        hold.unlink()  # a failure above still lets the first build finish and end
    _out, err = first.communicate(timeout=120)
    assert first.returncode == 0, err
    assert second.returncode == 1
    assert "is being written by process" in second.stderr
    assert str(first.pid) in second.stderr
    assert count_docs(index_dir) == len(list(big_content.glob("*/*.html")))


def test_a_lock_left_by_a_killed_writer_is_recovered(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    index_dir.mkdir()
    (index_dir / generations.LOCK).write_text('{"pid": 999999, "command": "lupus-guide build"}')
    content = tmp_path / "content"
    shutil.copytree(CONTENT / "other-drugs", content / "other-drugs")
    report = build_index(content, index_dir, lock_timeout=0.5)
    assert report.pages == 6
    assert any("recovered the lock" in w for w in report.warnings)


@pytest.mark.slow  # the lupus-guide command in subprocesses
def test_cli_build_status_check(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    built = cli("build", "--content", str(CONTENT), "--index", str(index_dir))
    assert built.returncode == 0, built.stderr
    assert "build: generation 1" in built.stdout
    status = cli("status", "--content", str(CONTENT), "--index", str(index_dir))
    assert "generation: 1" in status.stdout and "Other Drugs: 6" in status.stdout
    assert "index is up to date" in status.stdout
    checked = cli("check", "--json", "--content", str(CONTENT))
    assert checked.returncode == 0, checked.stdout
    assert json.loads(checked.stdout)["pages"] == len(list(CONTENT.glob("*/*.html")))


@pytest.mark.slow  # the lupus-guide command in subprocesses
def test_watch_updates_the_index_when_a_page_changes(content_copy: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    build_index(content_copy, index_dir)
    process = subprocess.Popen(
        [sys.executable, "-m", "indexer.cli", "watch", "--content", str(content_copy),
         "--index", str(index_dir)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert "watching" in (process.stdout.readline() + process.stdout.readline())
        page = content_copy / "lupus-symptoms/fatigue.html"
        original = page.read_text()
        deadline = time.monotonic() + 30
        edits = 0
        while time.monotonic() < deadline and not search_body(index_dir, "platypuswort"):
            # Edit again now and then: the watcher starts just after it says "watching".
            edits += 1
            page.write_text(original.replace(
                '<h2 id="sources">', f"<p>Platypuswort {edits}.</p><h2 id=\"sources\">"))
            time.sleep(2)
        assert search_body(index_dir, "platypuswort") == ["lupus-symptoms/fatigue.html"]
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_review_dates_sources_and_order_are_stored(tmp_path: Path) -> None:
    content = tmp_path / "content"
    (content / "living-with-lupus").mkdir(parents=True)
    head = ('<meta name="description" content="Rest."><meta name="last-reviewed" '
            'content="2026-12-01"><meta name="next-review" content="2028-12-01">'
            '<meta name="order" content="1">')
    (content / "living-with-lupus/rest.html").write_text(
        f"<html><head><title>Rest</title>{head}</head><body><article><h1>Rest</h1>"
        f"<p>{'Rest helps. ' * 12}</p><h2 id=\"sources\">Sources</h2><ul><li>"
        '<a href="https://www.nhs.uk/conditions/lupus/">NHS: Lupus</a></li></ul>'
        "</article></body></html>")
    (content / "living-with-lupus/plain.html").write_text(
        f"<html><head><title>Plain</title></head><body><h1>Plain</h1><p>{'Words. ' * 25}</p>"
        "</body></html>")
    build_index(content, tmp_path / "index")
    document = stored(tmp_path / "index", "living-with-lupus/rest.html")
    assert document is not None
    assert (document[schema.LAST_REVIEWED], document[schema.NEXT_REVIEW]) == (
        "2026-12-01", "2028-12-01")
    assert json.loads(document[schema.SOURCES_JSON]) == [
        ["NHS: Lupus", "https://www.nhs.uk/conditions/lupus/"]]
    assert document[schema.ORDER] == 1
    assert search_body(tmp_path / "index", "nhs") == []
    plain = stored(tmp_path / "index", "living-with-lupus/plain.html")
    assert plain is not None
    assert (plain[schema.LAST_REVIEWED], plain.get(schema.ORDER)) == ("", None)
    assert json.loads(plain[schema.SOURCES_JSON]) == []


XHTML_PAGE = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN"
 "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
<!-- {padding} -->
<html xmlns="http://www.w3.org/1999/xhtml"><head><title>Module {n}</title></head>
<body><h1>Module {n}</h1><p>{words}</p></body></html>"""
XML_NOTE = "XHTML or XML read as HTML (BeautifulSoup's XMLParsedAsHTMLWarning)"


def xhtml_guide(content: Path, pages: int) -> None:
    (content / "reference").mkdir(parents=True)
    for n in range(pages):
        (content / f"reference/module-{n}.html").write_text(XHTML_PAGE.format(
            n=n, padding="x" * 500, words="Directive words of the module. " * 10))


def test_parser_warnings_reach_the_report_once_from_every_worker(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture) -> None:
    xhtml_guide(tmp_path / "content", 12)
    monkeypatch.setattr(build, "PARALLEL_FROM", 2)  # worker processes, as on a big guide
    monkeypatch.setattr(page_module, "READER", "soup")  # the reader that warns (forked too)
    report = build_index(tmp_path / "content", tmp_path / "index")
    assert report.workers > 1 and report.pages == 12
    assert report.parser_notes == {XML_NOTE: 12}
    printed = capfd.readouterr()
    assert "XMLParsedAsHTMLWarning" not in printed.out + printed.err


@pytest.mark.slow  # the lupus-guide command in subprocesses
def test_cli_summary_has_parser_notes_and_with_verbose_the_slowest_pages(tmp_path: Path) -> None:
    xhtml_guide(tmp_path / "content", 3)
    result = cli("build", "--verbose", "--content", str(tmp_path / "content"), "--index",
                 str(tmp_path / "index"), env={**os.environ, "LUPUS_GUIDE_READER": "soup"})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [line for line in lines if line.startswith("parser:")] == [
        f"parser: 3 pages: {XML_NOTE}"]
    assert "Warning" not in result.stderr and "Traceback" not in result.stderr
    slowest = lines[lines.index("slowest pages (reading, parsing and analysing):") + 1:][:3]
    assert all(re.fullmatch(r"\s+\d+\.\d{3}s\s+\d+\.\d KB  reference/module-\d\.html", line)
               for line in slowest), slowest
    assert re.search(r"\d+\.\d\ds in all, \d+ pages/s", lines[-1])
    quiet = cli("build", "--content", str(tmp_path / "content"), "--index",
                str(tmp_path / "index"))  # the fast reader: nothing to note, no list
    assert "parser:" not in quiet.stdout and "slowest" not in quiet.stdout
