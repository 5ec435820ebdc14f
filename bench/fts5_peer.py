"""The peer engine: the same pages and the same results-page query on SQLite FTS5.

Pages are parsed by the guide's own parser (`indexer.page`) and turned into the site's own
Whoosh document (`indexer.schema.page_document`), whose searched fields become the FTS5
columns: both engines index the same text and the same normalized side effects.

A results-page query here is: top 10 by `bm25()` with the site's field weights, the exact
count, section / body-system / effect counts (GROUP BY over the matches and the side-effects
table) and `snippet()` for the ten hits. Like the site, it drops stop words and, when fewer
than 3 pages have every word, falls back to pages with any of them. It has no synonyms and
no spelling correction.
"""

from __future__ import annotations

import re
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from queries import BenchQuery

from indexer.build import parse_files, scan_content
from indexer.page import Page, PageError
from indexer.schema import FIELD_BOOSTS, STOP_WORDS, page_document

# The fields the site searches, with its weights, filled from the site's own Whoosh document
# for each page, so the two engines search the same text even as the schema changes.
COLUMNS = tuple(FIELD_BOOSTS)
WEIGHTS = ", ".join(str(FIELD_BOOSTS[c]) for c in COLUMNS)
RELAX_BELOW = 3
EFFECTS_SHOWN = 25
PHRASE = re.compile(r'"([^"]*)"?')
WORD = re.compile(r"\w+")

SCHEMA = f"""
CREATE TABLE pages(id INTEGER PRIMARY KEY, url TEXT, title TEXT, section TEXT,
                   description TEXT);
CREATE VIRTUAL TABLE fts USING fts5({", ".join(COLUMNS)},
                                    tokenize='porter unicode61 remove_diacritics 2');
CREATE TABLE effects(page_id INTEGER, system TEXT, effect TEXT);
"""
INDEXES = """
CREATE INDEX pages_section ON pages(section, id);
CREATE INDEX effects_effect ON effects(effect, page_id);
CREATE INDEX effects_page ON effects(page_id, system, effect);
"""


def fts5_available() -> bool:
    try:
        sqlite3.connect(":memory:").execute("CREATE VIRTUAL TABLE t USING fts5(a)")
    except sqlite3.OperationalError:
        return False
    return True


def _row(page: Page) -> tuple[str, ...]:
    document = page_document(page)
    return tuple(str(document.get(column) or "") for column in COLUMNS)


def build_fts5(content_dir: Path, db_path: Path) -> dict:
    """Index the guide's pages into a new SQLite file; returns timings and size."""
    db_path.unlink(missing_ok=True)
    started = time.perf_counter()
    conn = sqlite3.connect(db_path)
    conn.executescript(SCHEMA)
    files, _ = scan_content(content_dir)
    pages = 0
    placeholders = ", ".join("?" * (len(COLUMNS) + 1))
    with conn:
        for result in parse_files(files, content_dir):
            if isinstance(result, PageError):
                continue
            pages += 1
            conn.execute("INSERT INTO pages VALUES (?, ?, ?, ?, ?)",
                         (pages, result.url, result.title, result.section, result.description))
            conn.execute(f"INSERT INTO fts(rowid, {', '.join(COLUMNS)}) VALUES ({placeholders})",
                         (pages, *_row(result)))
            conn.executemany("INSERT INTO effects VALUES (?, ?, ?)",
                             [(pages, e.system, e.effect) for e in result.side_effects])
    conn.executescript(INDEXES)
    conn.execute("INSERT INTO fts(fts) VALUES ('optimize')")
    conn.commit()
    conn.execute("VACUUM")
    conn.close()
    return {"pages": pages, "seconds": time.perf_counter() - started,
            "bytes": db_path.stat().st_size}


def _quote(tokens: list[str]) -> str:
    return '"' + " ".join(tokens) + '"'


def match_expressions(text: str) -> tuple[str | None, str | None]:
    """(every word, any word) FTS5 expressions for the query text; None when empty."""
    phrases = [WORD.findall(p.lower()) for p in PHRASE.findall(text)]
    words = [w for w in WORD.findall(PHRASE.sub(" ", text).lower()) if w not in STOP_WORDS]
    clauses = [_quote([w]) for w in dict.fromkeys(words)] + [_quote(p) for p in phrases if p]
    if not clauses:
        return None, None
    every = " AND ".join(clauses)
    return every, (" OR ".join(clauses) if len(clauses) > 1 else None)


@dataclass
class FtsResult:
    total: int
    hits: list[tuple]
    sections: list[tuple]
    systems: list[tuple]
    effects: list[tuple]


class Fts5Peer:
    """One connection, one temp table of matches reused by every query."""

    def __init__(self, db_path: Path) -> None:
        self.conn = sqlite3.connect(db_path, check_same_thread=False)
        self.conn.execute("PRAGMA temp_store = MEMORY")
        self.conn.execute("CREATE TEMP TABLE hits(id INTEGER PRIMARY KEY)")

    def close(self) -> None:
        self.conn.close()

    def _collect(self, match: str, query: BenchQuery) -> int:
        """Fill `hits` with the pages that match (the effect filter applied); their count."""
        sql = "INSERT INTO hits SELECT rowid FROM fts WHERE fts MATCH ?"
        args: list = [match]
        if query.effect:
            sql += " AND rowid IN (SELECT page_id FROM effects WHERE effect = ?)"
            args.append(query.effect)
        self.conn.execute("DELETE FROM hits")
        return self.conn.execute(sql, args).rowcount

    def _counts(self, query: BenchQuery) -> tuple[int, list, list, list]:
        conn = self.conn
        sections = conn.execute(
            "SELECT p.section, count(*) FROM hits h JOIN pages p ON p.id = h.id"
            " GROUP BY p.section").fetchall()
        where, args = ("WHERE p.section = ?", [query.section]) if query.section else ("", [])
        total = sum(n for s, n in sections if not query.section or s == query.section)
        systems = conn.execute(
            "SELECT e.system, count(DISTINCT e.page_id) FROM hits h"
            " JOIN pages p ON p.id = h.id JOIN effects e ON e.page_id = h.id"
            f" {where} GROUP BY e.system ORDER BY 2 DESC", args).fetchall()
        effects = conn.execute(
            "SELECT e.effect, count(DISTINCT e.page_id) FROM hits h"
            " JOIN pages p ON p.id = h.id JOIN effects e ON e.page_id = h.id"
            f" {where} GROUP BY e.effect ORDER BY 2 DESC, 1 LIMIT {EFFECTS_SHOWN}",
            args).fetchall()
        return total, sections, systems, effects

    def _top(self, match: str, query: BenchQuery, limit: int) -> list[tuple]:
        sql = (f"SELECT p.url, p.title, bm25(fts, {WEIGHTS}) AS score,"
               " snippet(fts, -1, '<mark>', '</mark>', '…', 24)"
               " FROM fts JOIN pages p ON p.id = fts.rowid WHERE fts MATCH ?")
        args: list = [match]
        if query.section:
            sql += " AND p.section = ?"
            args.append(query.section)
        if query.effect:
            sql += " AND fts.rowid IN (SELECT page_id FROM effects WHERE effect = ?)"
            args.append(query.effect)
        return self.conn.execute(sql + f" ORDER BY score LIMIT {limit}", args).fetchall()

    def search(self, query: BenchQuery, per_page: int = 10) -> FtsResult:
        every, anyword = match_expressions(query.q)
        if every is None:
            return FtsResult(0, [], [], [], [])
        match = every
        self._collect(match, query)
        total, sections, systems, effects = self._counts(query)
        if total < RELAX_BELOW and anyword is not None:
            match = anyword
            self._collect(match, query)
            total, sections, systems, effects = self._counts(query)
        hits = self._top(match, query, per_page) if total else []
        return FtsResult(total, hits, sections, systems, effects)
