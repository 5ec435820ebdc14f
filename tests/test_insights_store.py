"""The insights store and report on real SQLite files (issue 16): redaction, migrations,
retention, drops, the K-hours rule, merging files."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from insights.events import FeedbackEvent, OpenedEvent, SearchEvent
from insights.redact import normalise
from insights.report import GuideFacts, build_report
from insights.store import (
    MIGRATIONS,
    SCHEMA_VERSION,
    InsightsStore,
    StoreError,
    connect,
    write_events,
)

HOUR = 3600
NOW = 1_796_000_000.0  # a fixed "now" (2026-11-29, UTC)


@pytest.mark.parametrize(("typed", "stored"), [
    ("Lupus RASH", "lupus rash"),
    ("my name is Anna Smith and i have a rash", "my name is [name] and i have a rash"),
    ("My name's Bob Jones", "my name's [name]"),
    ("email jo.bloggs@example.com about plaquenil", "email [email] about plaquenil"),
    ("call 07700 900123 about plaquenil", "call [phone] about plaquenil"),
    ("+1 (555) 123-4567 lupus", "[phone] lupus"),
    ("dob 12/03/1985 rash", "dob [date] rash"),
    ("born on 3rd March 1985", "born on [date]"),
    ("plaquenil 200 mg", "plaquenil # mg"),
    ("see https://example.com/me?id=42", "see [link]"),
    ("  many   spaces\there ", "many spaces here"),
])
def test_queries_are_normalised_and_redacted(typed: str, stored: str) -> None:
    assert normalise(typed) == stored


def test_nothing_with_a_digit_survives() -> None:
    for typed in ("c3 c4 low", "24-hour urine", "age 34", "nhs 943 476 5919", "ssn 123456789"):
        assert not any(c.isdigit() for c in normalise(typed)), typed


def _search(query: str | None, hour: int, *, total: int = 3, notice: str | None = None,
            relaxed: bool = False, corrected: bool = False) -> SearchEvent:
    event = SearchEvent.of(query or "", {}, total=total, relaxed=relaxed,
                           corrected=corrected, notice=notice, crisis=query is None)
    return SearchEvent(**{**event.__dict__, "hour": hour})


def _write(path: Path, events: list, drops: dict | None = None) -> None:
    conn = connect(path)
    try:
        write_events(conn, events, drops or {})
    finally:
        conn.close()


def test_a_new_file_is_created_at_the_current_schema(tmp_path: Path) -> None:
    conn = connect(tmp_path / "new.sqlite3")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


def test_opening_migrates_an_older_file_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    hour = int(NOW // HOUR)
    _write(path, [_search("rash", hour)])
    newer = (*MIGRATIONS, "ALTER TABLE searches ADD COLUMN device TEXT NOT NULL DEFAULT ''")
    conn = connect(path, migrations=newer)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(newer)
    assert conn.execute("SELECT query, count, device FROM searches").fetchall() == [
        ("rash", 1, "")]
    conn.close()
    # This code meets a file from newer code: it refuses to touch it.
    with pytest.raises(StoreError, match="newer"):
        connect(path)


def test_a_file_from_newer_code_drops_events_and_counts_them(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    store = InsightsStore(path, clock=lambda: NOW)
    store.start()
    store.record(OpenedEvent(key="0" * 16, url="/about-us", hour=store.hour()))
    assert store.flush()
    store.close()
    assert store.stats()["dropped"] == 1 and store.stats()["recorded"] == 0


def test_a_full_queue_drops_and_counts_and_the_count_is_written_later(tmp_path: Path) -> None:
    path = tmp_path / "full.sqlite3"
    store = InsightsStore(path, queue_size=3, clock=lambda: NOW)  # not started: nothing drains
    for _ in range(10):
        store.record(FeedbackEvent(page="/about-us", helpful=True, reason=None,
                                   hour=store.hour()))
    assert store.stats() == {"recorded": 0, "dropped": 7, "queued": 3}
    store.start()
    assert store.flush()
    store.close()
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT count FROM feedback").fetchall() == [(3,)]
    assert conn.execute("SELECT hour, count FROM drops").fetchall() == [(int(NOW // HOUR), 7)]
    conn.close()


def test_rows_past_the_retention_are_deleted_when_the_writer_starts(tmp_path: Path) -> None:
    path = tmp_path / "old-rows.sqlite3"
    hour = int(NOW // HOUR)
    _write(path, [_search("old search", hour - 91 * 24), _search("recent search", hour - 89 * 24),
                  OpenedEvent(key="0" * 16, url="/about-us", hour=hour - 100 * 24)],
           drops={hour - 95 * 24: 4})
    store = InsightsStore(path, retention_days=90, clock=lambda: NOW)
    store.start()
    store.record(_search("today", hour))
    assert store.flush()
    store.close()
    conn = sqlite3.connect(path)
    assert sorted(r[0] for r in conn.execute("SELECT query FROM searches")) == [
        "recent search", "today"]
    assert conn.execute("SELECT count(*) FROM opened").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM drops").fetchone()[0] == 0
    conn.close()


def test_a_query_is_shown_only_once_seen_in_k_different_hours(tmp_path: Path) -> None:
    path = tmp_path / "k.sqlite3"
    hour = int(NOW // HOUR)
    events = [
        # Searched 20 times, but within one hour: one person, maybe. Never shown at K=3.
        *[_search("anna's rare disease", hour, total=0) for _ in range(20)],
        # In three different hours: shown.
        *[_search("butterfly rash", hour - n) for n in range(3)],
        *[_search("plaquenil eyes", hour - n, total=0) for n in range(3)],
        *[_search("zorblax", hour - n, total=0) for n in range(3)],
        # In two hours only.
        *[_search("kidney diet", hour - n) for n in range(2)],
        _search(None, hour, notice="crisis", total=0),
    ]
    _write(path, events)
    knows = {"butterfly", "rash", "plaquenil", "eyes", "kidney", "diet", "rare",
             "disease"}.__contains__
    report = build_report([path], days=7, min_hours=3, now=NOW, guide=GuideFacts(knows=knows))
    shown = {q["query"] for q in report["top_queries"]}
    assert shown == {"butterfly rash", "plaquenil eyes", "zorblax"}
    assert report["zero_results"] == [{"query": "plaquenil eyes", "count": 3},
                                      {"query": "zorblax", "count": 3}]
    assert report["searches"]["total"] == 20 + 9 + 2 + 1
    assert report["searches"]["queries_hidden"] == 2
    assert report["notices"] == [{"notice": "crisis", "count": 1}]
    # A word counts by its own hours: "anna's" is in one hour only, "zorblax" in three.
    assert report["candidate_synonyms"] == [{"word": "zorblax", "count": 3}]
    text = str(report)
    assert "anna" not in text and "kidney" not in text
    report = build_report([path], days=7, min_hours=2, now=NOW, guide=GuideFacts(knows=knows))
    assert "kidney diet" in {q["query"] for q in report["top_queries"]}


def test_merged_files_add_up_and_count_hours_once(tmp_path: Path) -> None:
    hour = int(NOW // HOUR)
    one, two = tmp_path / "worker-1.sqlite3", tmp_path / "worker-2.sqlite3"
    _write(one, [_search("hair loss", hour), _search("hair loss", hour - 1)])
    _write(two, [_search("hair loss", hour - 1), _search("hair loss", hour - 2),
                 FeedbackEvent(page="/about-us", helpful=False, reason=None, hour=hour),
                 FeedbackEvent(page="/about-us", helpful=None, reason="hard", hour=hour)])
    alone = build_report([one], days=7, min_hours=3, now=NOW)
    assert alone["top_queries"] == []  # two hours in this file
    merged = build_report([one, two], days=7, min_hours=3, now=NOW)
    assert merged["top_queries"] == [{"query": "hair loss", "count": 4}]
    assert merged["feedback"][0]["no"] == 1 and merged["feedback"][0]["reasons"]["hard"] == 1


def test_queries_whose_results_nobody_opened(tmp_path: Path) -> None:
    path = tmp_path / "opened.sqlite3"
    hour = int(NOW // HOUR)
    opened_search = _search("fatigue", hour)
    _write(path, [*[_search("fatigue", hour - n) for n in range(3)],
                  *[_search("sun sensitivity", hour - n) for n in range(3)],
                  OpenedEvent(key=opened_search.key, url="/lupus-symptoms/fatigue", hour=hour)])
    report = build_report([path], days=7, min_hours=3, now=NOW)
    assert report["not_opened"] == [{"query": "sun sensitivity", "count": 3}]
    assert report["opened"]["pages"] == [
        {"page": "/lupus-symptoms/fatigue", "count": 1, "title": ""}]
