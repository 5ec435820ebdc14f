"""Insights with the real server (uvicorn over HTTP, issue 16): nothing that identifies a
reader reaches the file, and two worker processes write one file safely."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from .conftest import CONTENT, ROOT, STARTUP_SECONDS, _free_port, _healthy

PLANTED_AGENT = "PlantedBrowser/7.3 (reader-device-5d1e9a)"
PLANTED_EMAIL = "jo.bloggs.planted@example.com"
PLANTED_PHONE = "07700 900461"
PLANTED_NAME = "Philomena"
PLANTED_COOKIE = "reader-id=planted-cookie-4c2b"
FORWARDED = "203.0.113.77"


@contextmanager
def server(index_dir: Path, db: Path, log_dir: Path, workers: int = 1) -> Iterator[str]:
    """uvicorn with `workers` processes recording into `db`; stopped by its PID (SIGTERM:
    each worker writes what it still has queued)."""
    port = _free_port()
    env = {**os.environ, "LUPUS_GUIDE_CONTENT": str(CONTENT), "LUPUS_GUIDE_INDEX": str(index_dir),
           "LUPUS_GUIDE_INSIGHTS_DB": str(db), "LUPUS_GUIDE_WARM_SECONDS": "0"}
    log_path = log_dir / "uvicorn.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "guide_site.app:create_app", "--factory",
             "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS * 2
        while not _healthy(f"{base}/healthz"):
            assert process.poll() is None, log_path.read_text(errors="replace")
            assert time.monotonic() < deadline, log_path.read_text(errors="replace")
            time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
    # uvicorn ends on SIGTERM after a clean shutdown (its log says so; checked by callers)
    assert process.returncode in (0, -15), log_path.read_text(errors="replace")[-3000:]


def get(url: str, headers: dict | None = None) -> int:
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()
        return response.status


def post(url: str, form: dict, headers: dict | None = None) -> int:
    data = urllib.parse.urlencode(form).encode()
    request = urllib.request.Request(url, data=data, headers=headers or {}, method="POST")
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status


def stored_bytes(db: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(db.parent.glob(db.name + "*"))).lower()


def test_nothing_identifying_is_stored(guide_index: Path, tmp_path: Path) -> None:
    db = tmp_path / "insights.sqlite3"
    headers = {"User-Agent": PLANTED_AGENT, "Cookie": PLANTED_COOKIE,
               "X-Forwarded-For": FORWARDED, "Referer": "http://127.0.0.1/treating-lupus"}
    queries = [f"plaquenil dose email {PLANTED_EMAIL}", f"call me on {PLANTED_PHONE} rash",
               f"my name is {PLANTED_NAME} and i have lupus", "butterfly rash"]
    with server(guide_index, db, tmp_path) as base:
        for q in queries:
            assert get(f"{base}/search?{urllib.parse.urlencode({'q': q})}", headers) == 200
        assert post(f"{base}/feedback", {"page": "/about-us", "helpful": "yes"},
                    {**headers, "Accept": "application/json"}) == 200
    conn = sqlite3.connect(db)
    stored = sorted(q for (q,) in conn.execute("SELECT query FROM searches"))
    conn.close()
    assert stored == ["butterfly rash", "call me on [phone] rash", "my name is [name] and i have "
                      "lupus", "plaquenil dose email [email]"]
    everything = stored_bytes(db)  # the database, its WAL and shared-memory files
    assert b"butterfly rash" in everything
    for planted in ("127.0.0.1", FORWARDED, PLANTED_AGENT, "reader-device", PLANTED_EMAIL,
                    "example.com", PLANTED_PHONE, PLANTED_PHONE.replace(" ", ""), "900461",
                    PLANTED_NAME, "planted-cookie", "reader-id"):
        assert planted.lower().encode() not in everything, planted


def test_two_workers_write_one_file_safely(guide_index: Path, tmp_path: Path) -> None:
    db = tmp_path / "insights.sqlite3"
    words = ["rash", "fatigue", "hair loss", "kidney", "sun", "joint pain", "fever", "eyes"]
    queries = [f"{word} {letter}" for word in words for letter in "abcdefghijklmno"]  # 120

    with server(guide_index, db, tmp_path, workers=2) as base:
        def search(q: str) -> int:
            return get(f"{base}/search?{urllib.parse.urlencode({'q': q})}",
                       {"Connection": "close"})

        with ThreadPoolExecutor(max_workers=8) as pool:
            assert set(pool.map(search, queries)) == {200}
    log = (tmp_path / "uvicorn.log").read_text(errors="replace")
    assert log.count("Started server process") >= 2, log[-2000:]
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    counted = dict(conn.execute("SELECT query, sum(count) FROM searches GROUP BY query"))
    drops = conn.execute("SELECT coalesce(sum(count), 0) FROM drops").fetchone()[0]
    conn.close()
    assert drops == 0
    assert counted == {q: 1 for q in queries}


def test_serve_records_by_default_in_the_index_folder(guide_index: Path, tmp_path: Path
                                                     ) -> None:
    """Without LUPUS_GUIDE_INSIGHTS_DB the file is inside the index folder, beside (never in)
    the generations."""
    index_copy = tmp_path / "index"
    subprocess.run(["cp", "-a", str(guide_index), str(index_copy)], check=True)
    for stale in index_copy.glob("insights.sqlite3*"):
        stale.unlink()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LUPUS_GUIDE_")}
    port = _free_port()
    log_path = tmp_path / "serve.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [str(Path(sys.executable).parent / "lupus-guide"), "serve", "--content",
             str(CONTENT), "--index", str(index_copy), "--port", str(port)],
            cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS * 2
        while not _healthy(f"{base}/healthz"):
            assert process.poll() is None and time.monotonic() < deadline, log_path.read_text()
            time.sleep(0.1)
        assert get(f"{base}/search?q=butterfly+rash") == 200
    finally:
        process.terminate()
        process.wait(timeout=20)
    db = index_copy / "insights.sqlite3"
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT query, count FROM searches").fetchall() == [("butterfly rash", 1)]
    conn.close()
    assert not any(p.name.startswith("insights") for g in index_copy.glob("gen-*")
                   for p in g.iterdir())
