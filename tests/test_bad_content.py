"""Broken, hostile and odd files in content/: each one is reported by file with a clear
reason (or handled), every good page is still indexed, and the build stays bounded."""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from indexer import generations, schema
from indexer.build import BuildReport, build_index, update_index

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
CLI = [sys.executable, "-m", "indexer.cli"]
MEMORY_BOUND_MB = 500
SUBPROCESS_TIMEOUT = 60

FILLER = (
    "Lupus can affect many parts of the body. Rest, gentle exercise and regular visits to "
    "your doctor help you stay well. Ask your care team about anything that worries you. "
)

# Files that must be reported, with a pattern the reason must match.
BAD: dict[str, str] = {
    "living-with-lupus/empty.html": r"empty",
    "living-with-lupus/only-spaces.html": r"empty",
    "living-with-lupus/binary-garbage.html": r"binary|not an html|not html",
    "living-with-lupus/high-bytes-garbage.html": r"utf-8|encoding|charset",
    "living-with-lupus/cp1252-undeclared.html": r"utf-8|encoding|charset",
    "living-with-lupus/cp1252-says-utf8.html": r"utf-8|encoding|charset",
    "living-with-lupus/twenty-megabytes.html": r"larger|too large|too big|mb",
    "living-with-lupus/no-title.html": r"title",
    "living-with-lupus/no-body-text.html": r"body|text|words",
    "living-with-lupus/link-outside.html": r"outside",
    "living-with-lupus/dangling-link.html": r"read|missing|exist|not found|broken",
}
# Pages in a legacy encoding that says what it is: indexed, with a warning about it.
LEGACY: dict[str, str] = {
    "living-with-lupus/latin1-declared.html": "Café Visits",
    "living-with-lupus/cp1252-declared.html": "“Quoted” Sunscreen Tips",
    "living-with-lupus/cp1252-http-equiv.html": "Résumé of Daily Care",
    "living-with-lupus/euc-kr-declared.html": "루푸스 생활 안내",
}
# Odd but valid: indexed like any page.
ODD_GOOD = (
    "living-with-lupus/travel-copy.html",  # the same bytes as travel.html
    "living-with-lupus/link-inside.html",  # a link to a page inside content/
    "living-with-lupus/large-but-allowed.html",  # about 1.5 MB of text
)
# Very deep nesting: indexed, or reported with a reason that is not a raw exception.
DEEP = "living-with-lupus/deep-nesting.html"


def page_html(title: str, body: str, head: str = '<meta charset="utf-8">') -> str:
    return (
        f"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n{head}\n<title>{title}</title>\n"
        f'<meta name="description" content="A test page.">\n</head>\n<body>\n<article>\n'
        f"<h1>{title}</h1>\n<p>{body}</p>\n</article>\n</body>\n</html>\n"
    )


def write_bad_content(root: Path, outside: Path) -> None:
    """The shipped guide plus every kind of bad and odd file, in `root`."""
    shutil.copytree(CONTENT, root)
    folder = root / "living-with-lupus"
    rng = random.Random(20240601)

    (folder / "empty.html").write_bytes(b"")
    (folder / "only-spaces.html").write_bytes(b" \n\t\r\n   \n")
    (folder / "binary-garbage.html").write_bytes(rng.randbytes(8192) + b"\x00" * 16)
    (folder / "high-bytes-garbage.html").write_bytes(
        bytes(rng.randrange(0x80, 0x100) for _ in range(8192))
    )
    cp1252_body = (FILLER + "Wear a hat \u201cevery day\u201d at the caf\u00e9. ") * 2
    (folder / "cp1252-undeclared.html").write_bytes(
        page_html("Undeclared Windows Page", cp1252_body, head="").encode("cp1252")
    )
    (folder / "cp1252-says-utf8.html").write_bytes(
        page_html("Mislabelled Windows Page", cp1252_body).encode("cp1252")
    )
    with open(folder / "twenty-megabytes.html", "wb") as handle:
        handle.write(page_html("Twenty Megabytes", "start").encode()[:-40])
        chunk = b"<p>" + FILLER.encode() * 50 + b"</p>\n"
        for _ in range(20 * 1024 * 1024 // len(chunk) + 1):
            handle.write(chunk)
        handle.write(b"</article></body></html>\n")
    (folder / "no-title.html").write_text(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head><body><article>"
        f"<p>{FILLER * 3}</p></article></body></html>\n", "utf-8"
    )
    (folder / "no-body-text.html").write_text(
        page_html("A Page With No Text", "").replace("<p></p>", "<div><br><br></div>"), "utf-8"
    )
    outside.write_text(page_html("Outside Page", FILLER * 3), "utf-8")
    (folder / "link-outside.html").symlink_to(outside)
    (folder / "dangling-link.html").symlink_to(folder / "was-deleted.html")

    legacy_bodies = {
        "latin1-declared.html": ('<meta charset="iso-8859-1">', "latin-1",
                                 FILLER * 2 + "Meet friends at a caf\u00e9 in the shade."),
        "cp1252-declared.html": (
            '<meta charset="windows-1252">', "cp1252",
            FILLER * 2 + "Use \u201cbroad spectrum\u201d sunscreen \u2013 daily."),
        "cp1252-http-equiv.html": (
            '<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">',
            "cp1252", FILLER * 2 + "A short r\u00e9sum\u00e9 of the day\u2019s care."),
        "euc-kr-declared.html": ('<meta charset="euc-kr">', "euc-kr",
                                 "루푸스 환자는 햇빛을 피하고 충분히 쉬어야 합니다. " * 6),
    }
    for name, (head, codec, body) in legacy_bodies.items():
        title = LEGACY[f"living-with-lupus/{name}"]
        (folder / name).write_bytes(page_html(title, body, head=head).encode(codec))

    shutil.copyfile(folder / "travel.html", folder / "travel-copy.html")
    (folder / "link-inside.html").symlink_to(Path("..") / "treating-lupus" / "methotrexate.html")
    large = "".join(f"<p>Part {n}. {FILLER * 4}</p>\n" for n in range(1500))
    (folder / "large-but-allowed.html").write_text(
        page_html("A Very Long Page", "Start.").replace("<p>Start.</p>", large), "utf-8"
    )
    deep = "<div>" * 5000 + FILLER * 2 + "</div>" * 5000
    (folder / "deep-nesting.html").write_text(
        page_html("Deeply Nested Page", "").replace("<p></p>", deep), "utf-8"
    )


@dataclass
class BuiltBadContent:
    content: Path
    index: Path
    report: BuildReport
    seconds: float


# Builds in a fresh process and prints its time and peak memory (no earlier test inflates it).
MEASURE = """
import json, resource, sys, time
from pathlib import Path
from indexer.build import build_index
started = time.perf_counter()
report = build_index(Path(sys.argv[1]), Path(sys.argv[2]))
print(json.dumps({"seconds": time.perf_counter() - started, "pages": report.pages,
                  "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> BuiltBadContent:
    base = tmp_path_factory.mktemp("bad-content")
    content = base / "content"
    write_bad_content(content, base / "outside.html")
    index = base / "index"
    started = time.perf_counter()
    report = build_index(content, index)
    seconds = time.perf_counter() - started
    print(f"\nbad-content build: {seconds:.2f} s, {report.pages} pages,"
          f" {len(report.errors)} errors")
    return BuiltBadContent(content, index, report, seconds)


def shipped_pages() -> set[str]:
    return {p.relative_to(CONTENT).as_posix() for p in CONTENT.rglob("*.html")}


def indexed_paths(index: Path) -> set[str]:
    live = generations.live_generation(index)
    assert live is not None, "no live generation"
    ix = generations.open_generation(live)
    try:
        with ix.searcher() as searcher:
            return {fields[schema.PATH] for fields in searcher.all_stored_fields()}
    finally:
        ix.close()


def stored_titles(index: Path) -> dict[str, str]:
    live = generations.live_generation(index)
    assert live is not None
    ix = generations.open_generation(live)
    try:
        with ix.searcher() as searcher:
            return {f[schema.PATH]: f[schema.TITLE] for f in searcher.all_stored_fields()}
    finally:
        ix.close()


def test_every_bad_file_is_reported_by_file_with_a_clear_reason(built) -> None:
    reasons = {error.path: error.reason for error in built.report.errors}
    for path, pattern in BAD.items():
        assert path in reasons, f"{path} is not reported; errors: {reasons}"
        assert re.search(pattern, reasons[path], re.I), f"{path}: unclear reason {reasons[path]!r}"
    for path, reason in reasons.items():
        assert not Path(path).is_absolute(), f"{path}: the path should be relative to content/"
        assert "Traceback" not in reason and "Error(" not in reason, f"{path}: raw {reason!r}"


def test_only_bad_files_are_reported(built) -> None:
    reported = {error.path for error in built.report.errors}
    unexpected = reported - set(BAD) - {DEEP}
    assert not unexpected, f"good pages reported as errors: {unexpected}"


def test_every_good_page_is_indexed_and_nothing_else(built) -> None:
    good = shipped_pages() | set(LEGACY) | set(ODD_GOOD)
    indexed = indexed_paths(built.index)
    assert good <= indexed, f"good pages missing: {sorted(good - indexed)}"
    assert indexed <= good | {DEEP}, f"bad pages indexed: {sorted(indexed - good - {DEEP})}"
    reported = {error.path for error in built.report.errors}
    assert (DEEP in indexed) != (DEEP in reported), "the deep page is neither indexed nor reported"
    assert built.report.pages == len(indexed)


def test_legacy_encodings_with_a_declared_charset_are_indexed_with_a_warning(built) -> None:
    titles = stored_titles(built.index)
    for path, title in LEGACY.items():
        assert titles.get(path) == title, f"{path}: title {titles.get(path)!r}, not {title!r}"
        warnings = [w for w in built.report.warnings if w.startswith(path)]
        assert any(re.search(r"utf-8|encod|charset", w, re.I) for w in warnings), (
            f"{path}: no warning about its encoding in {warnings}"
        )


@pytest.mark.slow  # the lupus-guide command in a subprocess
def test_the_build_is_bounded_in_time_and_memory(built, tmp_path: Path) -> None:
    # Measured for the report; only an absurd value fails (the files add ~22 MB on disk).
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, str(built.content), str(tmp_path / "index")],
        capture_output=True, text=True, timeout=SUBPROCESS_TIMEOUT, cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    measured = json.loads(result.stdout.strip().splitlines()[-1])
    print(f"\nin a fresh process: {measured['seconds']:.2f} s,"
          f" peak RSS {measured['max_rss_mb']:.0f} MB")
    assert measured["pages"] == built.report.pages
    assert built.seconds < 120, f"the build took {built.seconds:.1f} s"
    assert measured["max_rss_mb"] < MEMORY_BOUND_MB, f"peak RSS {measured['max_rss_mb']:.0f} MB"


@pytest.mark.slow  # the lupus-guide command in a subprocess
def test_check_json_lists_each_problem_by_file(built) -> None:
    result = subprocess.run(
        [*CLI, "check", "--json", "--content", str(built.content), "--index", str(built.index)],
        capture_output=True, text=True, timeout=SUBPROCESS_TIMEOUT, cwd=ROOT,
    )
    assert result.returncode == 1, result.stderr[-2000:]
    problems = json.loads(result.stdout)["problems"]
    by_path: dict[str, list[dict]] = {}
    for problem in problems:
        by_path.setdefault(problem["path"], []).append(problem)
    for path, pattern in BAD.items():
        errors = [p for p in by_path.get(path, []) if p["level"] == "error"]
        assert errors, f"{path} is not listed as an error by check --json"
        assert any(re.search(pattern, p["message"], re.I) for p in errors), (path, errors)
    for path in LEGACY:
        assert any(re.search(r"utf-8|encod|charset", p["message"], re.I)
                   for p in by_path.get(path, [])), f"{path}: no encoding problem listed"
    for path in ("living-with-lupus/travel.html", "living-with-lupus/travel-copy.html"):
        assert any("also used by" in p["message"] for p in by_path.get(path, [])), (
            f"{path}: the duplicate title is not listed"
        )


def test_update_keeps_the_last_good_version_of_a_page_that_turns_bad(
    tmp_path: Path, content_copy: Path
) -> None:
    index = tmp_path / "index"
    build_index(content_copy, index)
    page = content_copy / "living-with-lupus" / "travel.html"
    page.write_bytes(random.Random(3).randbytes(4096) + b"\x00")
    (content_copy / "living-with-lupus" / "empty.html").write_bytes(b"")
    report = update_index(content_copy, index)
    reasons = {error.path: error.reason for error in report.errors}
    assert "living-with-lupus/travel.html" in reasons, reasons
    assert "living-with-lupus/empty.html" in reasons, reasons
    assert indexed_paths(index) == shipped_pages()
    assert stored_titles(index)["living-with-lupus/travel.html"] == "Travel"


def test_a_symlink_loop_is_reported_not_fatal(content_copy: Path, tmp_path: Path) -> None:
    folder = content_copy / "living-with-lupus"
    (folder / "loop-a.html").symlink_to("loop-b.html")
    (folder / "loop-b.html").symlink_to("loop-a.html")
    report = build_index(content_copy, tmp_path / "index")
    reasons = {error.path: error.reason for error in report.errors}
    assert "living-with-lupus/loop-a.html" in reasons, reasons
    assert "living-with-lupus/loop-b.html" in reasons, reasons
    assert indexed_paths(tmp_path / "index") == shipped_pages()


@pytest.mark.slow  # the lupus-guide command in a subprocess
def test_a_fifo_named_like_a_page_does_not_hang_the_build(
    content_copy: Path, tmp_path: Path
) -> None:
    os.mkfifo(content_copy / "living-with-lupus" / "pipe.html")
    command = [*CLI, "build", "--content", str(content_copy), "--index", str(tmp_path / "index")]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=15, cwd=ROOT)
    except subprocess.TimeoutExpired:
        pytest.fail("`lupus-guide build` hung for 15 s reading a FIFO named pipe.html")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "pipe.html" in result.stderr
    assert indexed_paths(tmp_path / "index") == shipped_pages()
