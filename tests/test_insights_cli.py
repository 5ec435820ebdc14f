"""`lupus-guide insights` (issue 16): the report as text and JSON, several files merged, the
export as JSON lines, and the review calendar from the pages' own dates."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from indexer.build import build_index
from insights.events import FeedbackEvent, SearchEvent, hour_of
from insights.store import connect, write_events

from .conftest import CONTENT, ROOT

CLI = [sys.executable, "-m", "indexer.cli"]


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    import os

    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=120, cwd=ROOT,
                          env={**os.environ, **(env or {})})


def fill(path: Path, queries: dict[str, int], *, hours: int = 3, no_for: str = "") -> None:
    """Each query searched once in each of the last `hours` hours."""
    import time

    now = hour_of(time.time())
    events = []
    for query, total in queries.items():
        for n in range(hours):
            event = SearchEvent.of(query, {}, total=total, relaxed=False, corrected=False,
                                   notice=None, crisis=False)
            events.append(SearchEvent(**{**event.__dict__, "hour": now - n}))
    if no_for:
        events.append(FeedbackEvent(page=no_for, helpful=False, reason=None, hour=now))
        events.append(FeedbackEvent(page=no_for, helpful=None, reason="outdated", hour=now))
    conn = connect(path)
    write_events(conn, events, {})
    conn.close()


def test_the_report_as_text_and_json(guide_index: Path, tmp_path: Path) -> None:
    db = tmp_path / "insights.sqlite3"
    fill(db, {"butterfly rash": 12, "wobblegong": 0}, no_for="/other-drugs/ivig")
    env = {"LUPUS_GUIDE_INSIGHTS_DB": str(db)}
    text = run("insights", "--index", str(guide_index), "--content", str(CONTENT), env=env)
    assert text.returncode == 0, text.stderr
    out = text.stdout
    assert "Searches: 6" in out
    assert re.search(r"Queries with no results\n\s+3\s+wobblegong", out)
    assert re.search(r"candidate synonyms\)\n\s+3\s+wobblegong", out)
    assert "/other-drugs/ivig  (it seems out of date 1)" in out
    as_json = run("insights", "--json", "--days", "7", "--index", str(guide_index), env=env)
    report = json.loads(as_json.stdout)
    assert {"searches", "top_queries", "zero_results", "feedback", "notices",
            "review_due"} <= set(report)
    assert report["zero_results"] == [{"query": "wobblegong", "count": 3}]
    assert {"query": "butterfly rash", "count": 3} in report["top_queries"]
    assert len(report["searches"]["per_day"]) == 7
    assert "IVIG" in report["feedback"][0]["title"]


def test_merge_reports_over_several_files_and_export_writes_json_lines(tmp_path: Path) -> None:
    one, two = tmp_path / "one.sqlite3", tmp_path / "two.sqlite3"
    fill(one, {"hair loss": 5}, hours=2)
    fill(two, {"hair loss": 5}, hours=1)
    env = {"LUPUS_GUIDE_INDEX": str(tmp_path / "no-index")}
    alone = json.loads(run("insights", "--json", "--merge", str(one), env=env).stdout)
    assert alone["top_queries"] == []  # seen in two hours: under the threshold
    merged = run("insights", "--json", "--merge", str(one), str(two), env=env)
    assert json.loads(merged.stdout)["searches"]["total"] == 3
    export = run("insights", "export", "--jsonl", "--merge", str(one), str(two), env=env)
    lines = [json.loads(line) for line in export.stdout.splitlines()]
    assert len(lines) == 3 and {line["type"] for line in lines} == {"search"}
    assert all(line["query"] == "hair loss" and line["hour"].endswith(":00:00Z")
               for line in lines)
    wrong = run("insights", "--merge", str(tmp_path / "missing.sqlite3"), env=env)
    assert wrong.returncode == 1 and "no insights database" in wrong.stderr
    assert run("insights", str(one), env=env).returncode != 0  # files need --merge


@pytest.fixture
def dated_index(tmp_path: Path, content_copy: Path) -> tuple[Path, Path]:
    """The guide with one page overdue for review and one due in 20 days."""
    today = date.today()
    for name, due in (("treating-lupus/methotrexate.html", today - timedelta(days=3)),
                      ("other-drugs/ivig.html", today + timedelta(days=20))):
        path = content_copy / name
        html = path.read_text("utf-8")
        html = re.sub(r'<meta name="last-reviewed" content="[^"]*">',
                      f'<meta name="last-reviewed" content="{due - timedelta(days=300)}">', html)
        html = re.sub(r'<meta name="next-review" content="[^"]*">',
                      f'<meta name="next-review" content="{due}">', html)
        path.write_text(html, "utf-8")
    index_dir = tmp_path / "index"
    build_index(content_copy, index_dir)
    return content_copy, index_dir


def test_the_review_calendar_lists_due_and_overdue_pages(dated_index) -> None:
    content, index_dir = dated_index
    result = run("insights", "--json", "--content", str(content), "--index", str(index_dir))
    due = json.loads(result.stdout)["review_due"]
    assert [(p["page"], p["status"], p["days"]) for p in due] == [
        ("/treating-lupus/methotrexate", "overdue", -3), ("/other-drugs/ivig", "due", 20)]
    assert due[0]["path"] == "treating-lupus/methotrexate.html"
    text = run("insights", "--content", str(content), "--index", str(index_dir)).stdout
    assert "overdue by 3 days" in text and "due in 20 days" in text
