"""The event store: one SQLite file (WAL, busy timeout), written by one thread per process.

`record()` only puts an event on a bounded queue, so recording never slows or fails a
request: when the queue is full, or the file cannot be written (locked, read-only, a disk
problem), events are dropped and counted, and the count is written once the file can be.
The writer thread takes what is queued in batches and adds it to hourly counts, so rows hold
counts per hour and never the order or time of anyone's searches.

The schema is versioned (`PRAGMA user_version`); opening a file applies the migrations it
lacks, in one transaction, so workers that open it together agree.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from insights.events import HOURS_PER_DAY, FeedbackEvent, OpenedEvent, SearchEvent, hour_of

log = logging.getLogger("lupus_guide")

BATCH = 500  # events written in one transaction at most
WRITE_EVERY = 1.0  # seconds events wait for others, so one transaction takes many
PURGE_EVERY = 3600.0  # seconds between deletions of rows past the retention
RETRY_OPEN = 5.0  # seconds before trying again to open a file that could not be opened
WARN_EVERY = 60.0  # seconds between log lines about dropped events

# Each migration takes the schema from its position to the next version.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE searches (
        hour INTEGER NOT NULL, search_key TEXT NOT NULL, query TEXT, filters TEXT NOT NULL,
        notice TEXT, total INTEGER NOT NULL, relaxed INTEGER NOT NULL,
        corrected INTEGER NOT NULL, count INTEGER NOT NULL,
        PRIMARY KEY (hour, search_key, total, relaxed, corrected)) WITHOUT ROWID;
    CREATE TABLE opened (
        hour INTEGER NOT NULL, search_key TEXT NOT NULL, url TEXT NOT NULL,
        count INTEGER NOT NULL, PRIMARY KEY (hour, search_key, url)) WITHOUT ROWID;
    CREATE TABLE feedback (
        hour INTEGER NOT NULL, page TEXT NOT NULL, helpful INTEGER NOT NULL,
        count INTEGER NOT NULL, PRIMARY KEY (hour, page, helpful)) WITHOUT ROWID;
    CREATE TABLE reasons (
        hour INTEGER NOT NULL, page TEXT NOT NULL, reason TEXT NOT NULL,
        count INTEGER NOT NULL, PRIMARY KEY (hour, page, reason)) WITHOUT ROWID;
    CREATE TABLE drops (hour INTEGER PRIMARY KEY, count INTEGER NOT NULL);
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)
TABLES = ("searches", "opened", "feedback", "reasons", "drops")
# What the report and the export read: each kind of row, from an hour on, in hour order.
ROW_QUERIES = {
    "search": ("SELECT hour, search_key, query, filters, notice, total, relaxed, corrected, "
               "count FROM searches WHERE hour >= ? ORDER BY hour, search_key"),
    "opened": "SELECT hour, search_key, url, count FROM opened WHERE hour >= ? ORDER BY hour",
    "feedback": "SELECT hour, page, helpful, count FROM feedback WHERE hour >= ? ORDER BY hour",
    "reason": "SELECT hour, page, reason, count FROM reasons WHERE hour >= ? ORDER BY hour",
    "dropped": "SELECT hour, count FROM drops WHERE hour >= ? ORDER BY hour",
}


class StoreError(Exception):
    """The file cannot be used (a newer schema than this code knows, or not a database)."""


def connect(path: Path, *, busy_ms: int = 5_000, migrations: Sequence[str] = MIGRATIONS
            ) -> sqlite3.Connection:
    """An open, migrated connection in WAL mode (the file is created if missing)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, timeout=busy_ms / 1000, isolation_level=None,
                           check_same_thread=False)
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(busy_ms)}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        migrate(conn, migrations)
    except BaseException:
        conn.close()
        raise
    return conn


def connect_readonly(path: Path, *, busy_ms: int = 5_000) -> sqlite3.Connection:
    """A connection for reports: read-only, the schema checked (not changed)."""
    conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True,
                           timeout=busy_ms / 1000, check_same_thread=False)
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as error:
        conn.close()
        raise StoreError(f"{path} is not an insights database ({error})") from None
    if version != SCHEMA_VERSION:
        conn.close()
        raise StoreError(f"{path} has schema version {version}, this code reads "
                         f"{SCHEMA_VERSION}: it is read-only here, so it cannot be migrated"
                         if version < SCHEMA_VERSION else
                         f"{path} has schema version {version}, newer than this code "
                         f"({SCHEMA_VERSION}): update the code")
    return conn


def open_for_report(path: Path, *, busy_ms: int = 5_000) -> sqlite3.Connection:
    """An existing file for reading: migrated when it can be written, else read-only."""
    path = Path(path)
    if not path.is_file():
        raise StoreError(f"no insights database at {path} (the site creates it when it "
                         "starts, unless LUPUS_GUIDE_INSIGHTS=0)")
    try:
        return connect(path, busy_ms=busy_ms)
    except sqlite3.OperationalError:
        return connect_readonly(path, busy_ms=busy_ms)
    except sqlite3.DatabaseError as error:
        raise StoreError(f"{path} is not an insights database ({error})") from None


def stored_rows(paths: Sequence[Path], since_hour: int) -> Iterator[tuple[str, tuple]]:
    """(kind of ROW_QUERIES, row) for every row from `since_hour` on, file by file (several
    workers' or replicas' files)."""
    for path in paths:
        conn = open_for_report(path)
        try:
            for kind, sql in ROW_QUERIES.items():
                for row in conn.execute(sql, (since_hour,)):
                    yield kind, row
        finally:
            conn.close()


def migrate(conn: sqlite3.Connection, migrations: Sequence[str] = MIGRATIONS) -> int:
    """Applies the migrations the file lacks; returns the version it is at. Another process
    migrating at the same time waits for the lock and then finds nothing to do."""
    if conn.execute("PRAGMA user_version").fetchone()[0] == len(migrations):
        return len(migrations)
    with transaction(conn):  # the write lock first: the version is read again under it
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > len(migrations):
            raise StoreError(f"schema version {version} is newer than this code "
                             f"({len(migrations)}): update the code")
        for number in range(version, len(migrations)):
            for statement in migrations[number].split(";"):
                if statement.strip():
                    conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {len(migrations)}")
    return len(migrations)


def purge(conn: sqlite3.Connection, before_hour: int) -> int:
    """Deletes every row older than `before_hour`; returns how many."""
    deleted = 0
    with transaction(conn):
        for table in TABLES:
            deleted += conn.execute(f"DELETE FROM {table} WHERE hour < ?",
                                    (before_hour,)).rowcount
    return deleted


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[None]:
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def write_events(conn: sqlite3.Connection, events: Sequence[object], drops: dict[int, int]
                 ) -> None:
    """Adds a batch of events (and dropped-event counts by hour) to the hourly counts."""
    searches: Counter = Counter()
    opened: Counter = Counter()
    votes: Counter = Counter()
    reasons: Counter = Counter()
    for event in events:
        if isinstance(event, SearchEvent):
            searches[(event.hour, event.key, event.query, event.filters, event.notice,
                      event.total, int(event.relaxed), int(event.corrected))] += 1
        elif isinstance(event, OpenedEvent):
            opened[(event.hour, event.key, event.url)] += 1
        elif isinstance(event, FeedbackEvent) and event.reason is not None:
            reasons[(event.hour, event.page, event.reason)] += 1
        elif isinstance(event, FeedbackEvent) and event.helpful is not None:
            votes[(event.hour, event.page, int(event.helpful))] += 1
    with transaction(conn):
        conn.executemany(
            "INSERT INTO searches VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT "
            "(hour, search_key, total, relaxed, corrected) DO UPDATE SET count = count + "
            "excluded.count", [(*row, n) for row, n in searches.items()])
        conn.executemany(
            "INSERT INTO opened VALUES (?, ?, ?, ?) ON CONFLICT (hour, search_key, url) "
            "DO UPDATE SET count = count + excluded.count",
            [(*row, n) for row, n in opened.items()])
        conn.executemany(
            "INSERT INTO feedback VALUES (?, ?, ?, ?) ON CONFLICT (hour, page, helpful) "
            "DO UPDATE SET count = count + excluded.count",
            [(*row, n) for row, n in votes.items()])
        conn.executemany(
            "INSERT INTO reasons VALUES (?, ?, ?, ?) ON CONFLICT (hour, page, reason) "
            "DO UPDATE SET count = count + excluded.count",
            [(*row, n) for row, n in reasons.items()])
        conn.executemany(
            "INSERT INTO drops VALUES (?, ?) ON CONFLICT (hour) "
            "DO UPDATE SET count = count + excluded.count", list(drops.items()))


_STOP = object()  # on the queue: write what came before, then end
_NOW = object()  # on the queue: write what came before now (flush)


def _busy(error: Exception) -> bool:
    """Another connection holds the lock (it passes; the connection is still good)."""
    return isinstance(error, sqlite3.OperationalError) and (
        "locked" in str(error) or "busy" in str(error))


class InsightsStore:
    """Records events for one process. `start()` the writer thread, `close()` at the end
    (it writes what is still queued)."""

    def __init__(self, path: Path, *, retention_days: int = 90, queue_size: int = 10_000,
                 busy_ms: int = 5_000, clock: Callable[[], float] = time.time) -> None:
        self.path = Path(path)
        self.retention_days = retention_days
        self.busy_ms = busy_ms
        self.clock = clock
        self._queue: queue.Queue = queue.Queue(maxsize=queue_size)
        self._thread: threading.Thread | None = None
        self._conn: sqlite3.Connection | None = None
        self._next_open = 0.0
        self._next_purge = 0.0
        self._last_warning = -WARN_EVERY
        self._count_lock = threading.Lock()
        self.recorded = 0  # events written by this process
        self.dropped = 0  # events this process could not keep
        self._unsaved_drops: Counter[int] = Counter()  # by hour, until the file takes them
        self._opened = threading.Event()  # the writer has tried the file once
        self._hurry = threading.Event()  # write what is queued now (flush, close)

    # -- the request side: never blocks, never raises ------------------------------------

    def hour(self) -> int:
        return hour_of(self.clock())

    def record(self, event: object) -> None:
        try:
            self._queue.put_nowait(event)
        except queue.Full:
            self._count_drops(1, self.hour())

    def record_search(self, payload: str | bytes) -> None:
        """A search as the site's search page described it (`SearchEvent.to_json`); it is
        read on the writer thread."""
        self.record((payload, self.hour()))

    def _count_drops(self, number: int, hour: int) -> None:
        with self._count_lock:
            self.dropped += number
            self._unsaved_drops[hour] += number

    # -- the writer thread -----------------------------------------------------------------

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="insights-writer",
                                            daemon=True)
            self._thread.start()

    def _run(self) -> None:
        self._maybe_purge()  # opens (creates) the file, and deletes rows past the retention
        self._opened.set()
        stopping = False
        while not stopping:
            batch = self._collect()
            stopping = any(item is _STOP for item in batch)
            if stopping:  # what was queued before the stop is still written
                while True:
                    try:
                        batch.append(self._queue.get_nowait())
                    except queue.Empty:
                        break
            events = [self._event(item) for item in batch if item not in (_STOP, _NOW)]
            self._write([e for e in events if e is not None])
            for _ in batch:
                self._queue.task_done()
            self._maybe_purge()
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _collect(self) -> list:
        """The next batch: what arrives within WRITE_EVERY seconds of its first event, so
        one transaction takes many, however busy the site. Meanwhile the thread sleeps rather
        than waking for each event (requests keep the interpreter to themselves); a flush or
        a stop wakes it."""
        try:
            batch = [self._queue.get(timeout=1.0)]
        except queue.Empty:
            return []
        if batch[0] is not _STOP and batch[0] is not _NOW:
            self._hurry.wait(WRITE_EVERY)
        self._hurry.clear()
        while len(batch) < BATCH:
            try:
                batch.append(self._queue.get_nowait())
            except queue.Empty:
                break
        return batch

    @staticmethod
    def _event(item: object) -> object | None:
        if isinstance(item, tuple):  # a search page's description and its hour
            payload, hour = item
            try:
                return SearchEvent.from_json(payload, hour)
            except (ValueError, TypeError):
                log.warning("insights: an unreadable search event was skipped")
                return None
        return item

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            now = time.monotonic()
            if now < self._next_open:
                raise sqlite3.OperationalError("the insights file could not be opened "
                                               "a moment ago")
            self._next_open = now + RETRY_OPEN
            self._conn = connect(self.path, busy_ms=self.busy_ms)
        return self._conn

    def _write(self, events: list) -> None:
        with self._count_lock:
            drops, self._unsaved_drops = dict(self._unsaved_drops), Counter()
        if not events and not drops:
            return
        try:
            write_events(self._connection(), events, drops)
        except (sqlite3.Error, OSError, StoreError) as error:
            if not _busy(error):  # a lock passes; anything else: open the file afresh
                self._close_broken()
            with self._count_lock:
                self._unsaved_drops.update(drops)
            if events:
                self._count_drops(len(events), self.hour())
            now = time.monotonic()
            if now - self._last_warning >= WARN_EVERY:
                self._last_warning = now
                log.warning("insights: cannot write to %s (%s); %d events dropped so far",
                            self.path, error, self.dropped)
            return
        with self._count_lock:
            self.recorded += len(events)

    def _close_broken(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(sqlite3.Error):
                self._conn.close()
            self._conn = None

    def _maybe_purge(self) -> None:
        now = time.monotonic()
        if now < self._next_purge:
            return
        self._next_purge = now + PURGE_EVERY
        try:
            purge(self._connection(), self.hour() - self.retention_days * HOURS_PER_DAY)
        except (sqlite3.Error, OSError, StoreError) as error:
            self._close_broken()
            log.warning("insights: could not delete old rows from %s (%s)", self.path, error)

    # -- control -------------------------------------------------------------------------

    def flush(self, timeout: float = 10.0) -> bool:
        """Waits until everything recorded so far has been written or dropped (for tests,
        the benchmark and shutdown)."""
        deadline = time.monotonic() + timeout
        if self._thread is None:
            return self._queue.unfinished_tasks == 0
        if not self._opened.wait(timeout):
            return False
        if self._queue.unfinished_tasks:
            with contextlib.suppress(queue.Full):
                self._queue.put(_NOW, timeout=timeout)
            self._hurry.set()
        while self._queue.unfinished_tasks:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.005)
        return True

    def close(self, timeout: float = 10.0) -> None:
        """Writes what is queued, then stops the writer thread."""
        thread, self._thread = self._thread, None
        if thread is None:
            return
        with contextlib.suppress(queue.Full):
            self._queue.put(_STOP, timeout=timeout)
        self._hurry.set()
        thread.join(timeout)

    def stats(self) -> dict[str, int]:
        with self._count_lock:
            return {"recorded": self.recorded, "dropped": self.dropped,
                    "queued": self._queue.qsize()}
