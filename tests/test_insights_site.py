"""Insights over HTTP (issue 16): searches and opened results land in the file, crisis
searches by their notice only, feedback with reasons, forms that take only our fields, a
locked or unwritable file that never touches search, and /admin behind its token."""

from __future__ import annotations

import re
import sqlite3
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from guide_site.app import create_app
from guide_site.middleware import CSP
from guide_site.settings import load_settings
from insights.review import REVIEW_WINDOW_DAYS

from .conftest import CONTENT

TOKEN = "correct horse battery staple 2026"
ADMIN = {"LUPUS_GUIDE_ADMIN_TOKEN": TOKEN}


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "insights.sqlite3"


@pytest.fixture
def make_client(guide_index: Path, db: Path) -> Iterator[Callable[..., TestClient]]:
    """A fresh app (its own rate limits) recording into `db`; `env` adds settings."""
    clients: list[TestClient] = []

    def make(**env: str) -> TestClient:
        environ = {"LUPUS_GUIDE_INSIGHTS_DB": str(db), "LUPUS_GUIDE_WARM_SECONDS": "0", **env}
        settings = load_settings(environ).with_paths(CONTENT, guide_index)
        client = TestClient(create_app(settings), raise_server_exceptions=False)
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


def flush(client: TestClient) -> None:
    assert client.app.state.guide.insights.store.flush()


def rows(db: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def searches(db: Path) -> dict[str | None, int]:
    found: dict[str | None, int] = {}
    for query, count in rows(db, "SELECT query, count FROM searches"):
        found[query] = found.get(query, 0) + count
    return found


def search_key(html: str) -> str:
    match = re.search(r'data-search="([0-9a-f]{16})"', html)
    assert match, "the results carry no search key"
    return match.group(1)


def test_sent_searches_land_and_words_being_typed_do_not(make_client, db: Path) -> None:
    client = make_client()
    assert client.get("/search", params={"q": "Headache after INFUSION"}).status_code == 200
    # The same search again comes from the response cache: it still counts.
    client.get("/search", params={"q": "Headache after INFUSION"})
    client.get("/search", params={"q": "hair loss", "fragment": "1"})  # sent in place
    client.head("/search", params={"q": "sun rash", "fragment": "1"})  # typing paused (JS)
    client.get("/search", params={"q": "hair lo", "fragment": "1", "typing": "1"})
    client.get("/search", params={"q": "hair loss", "page": "2"})  # paging is the same search
    client.get("/search")  # the empty search page
    client.get("/api/search", params={"q": "api only"})  # the JSON API is not the site
    flush(client)
    assert searches(db) == {"headache after infusion": 2, "hair loss": 1, "sun rash": 1}
    # The internal header never reaches the reader.
    response = client.get("/search", params={"q": "lupus"})
    assert not any(name.startswith("x-lupus") for name in response.headers)


def test_a_result_opened_lands_with_its_search(make_client, db: Path) -> None:
    client = make_client()
    page = client.get("/search", params={"q": "headache after infusion"})
    key = search_key(page.text)
    response = client.post("/insights/opened",
                           data={"search": key, "url": "/other-drugs/ivig#headache"})
    assert response.status_code == 204
    flush(client)
    assert rows(db, "SELECT search_key, url, count FROM opened") == [
        (key, "/other-drugs/ivig", 1)]
    (stored_key,) = rows(db, "SELECT search_key FROM searches")[0]
    assert stored_key == key


@pytest.mark.parametrize("form", [
    {"search": "not-a-key", "url": "/other-drugs/ivig"},
    {"search": "0123456789abcdef", "url": "/no/such-page"},
    {"search": "0123456789abcdef", "url": "https://elsewhere.example/other-drugs/ivig"},
    {"search": "0123456789abcdef", "url": "/other-drugs/ivig", "ip": "10.0.0.1"},
    {"search": "0123456789abcdef"},
])
def test_the_beacon_takes_only_our_fields(make_client, form: dict) -> None:
    assert make_client().post("/insights/opened", data=form).status_code == 400


def test_crisis_searches_are_counted_by_notice_and_their_text_never_stored(
        make_client, db: Path) -> None:
    client = make_client()
    typed = ["I want to kill myself", "suicidal thoughts tonight", "how to end my life"]
    for q in typed:
        page = client.get("/search", params={"q": q})
        assert 'data-notice="crisis"' in page.text
        client.post("/insights/opened", data={"search": search_key(page.text),
                                              "url": "/resources#crisis-lines"})
    client.get("/search", params={"q": "chest pain"})  # another notice: its text is kept
    flush(client)
    assert rows(db, "SELECT query, notice, count FROM searches WHERE notice = 'crisis'") == [
        (None, "crisis", 3)]
    assert "chest pain" in searches(db)
    stored = b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*")).lower()
    for word in (b"kill", b"suicid", b"myself", b"end my life", b"tonight"):
        assert word not in stored, word


def test_feedback_without_javascript_goes_yes_no_then_reasons(make_client, db: Path) -> None:
    client = make_client()
    page = client.get("/other-drugs/ivig")
    assert 'class="feedback-vote"' in page.text and 'value="no"' in page.text
    answer = client.post("/feedback", data={"page": "/other-drugs/ivig", "helpful": "no"},
                         follow_redirects=False)
    assert answer.status_code == 303
    reasons = client.get(answer.headers["location"])
    assert reasons.status_code == 200 and 'name="reason" value="outdated"' in reasons.text
    answer = client.post("/feedback", data={"page": "/other-drugs/ivig", "reason": "outdated"},
                         follow_redirects=False)
    assert "step=thanks" in answer.headers["location"]
    assert "Thank you" in client.get(answer.headers["location"]).text
    scripted = client.post("/feedback", data={"page": "/about-us", "helpful": "yes"},
                           headers={"accept": "application/json"})
    assert scripted.json() == {"recorded": True, "next": "thanks"}
    flush(client)
    assert sorted(rows(db, "SELECT page, helpful, count FROM feedback")) == [
        ("/about-us", 1, 1), ("/other-drugs/ivig", 0, 1)]
    assert rows(db, "SELECT page, reason, count FROM reasons") == [
        ("/other-drugs/ivig", "outdated", 1)]


@pytest.mark.parametrize(("body", "headers", "status"), [
    ("page=%2Fabout-us&helpful=yes&comment=hello", {}, 400),  # no free text
    ("page=%2Fabout-us&helpful=yes&helpful=no", {}, 400),  # each field once
    ("page=%2Fabout-us&helpful=maybe", {}, 400),
    ("page=%2Fabout-us&reason=because", {}, 400),
    ("page=%2Fabout-us&helpful=yes&reason=hard", {}, 400),
    ("page=%2Fnot-a-page&helpful=yes", {}, 400),
    ("page=" + "a" * 3000 + "&helpful=yes", {}, 413),
    ('{"page": "/about-us", "helpful": "yes"}', {"content-type": "application/json"}, 415),
    ("page=%2Fabout-us&helpful=yes", {"origin": "https://evil.example"}, 403),
    ("page=%2Fabout-us&helpful=yes", {"sec-fetch-site": "cross-site"}, 403),
])
def test_feedback_takes_only_our_own_fields_from_our_own_pages(
        make_client, db: Path, body: str, headers: dict, status: int) -> None:
    client = make_client()
    headers = {"content-type": "application/x-www-form-urlencoded", **headers}
    assert client.post("/feedback", content=body, headers=headers).status_code == status
    flush(client)
    assert rows(db, "SELECT count(*) FROM feedback")[0][0] == 0


def test_feedback_from_our_own_origin_is_taken(make_client) -> None:
    client = make_client()
    response = client.post("/feedback", data={"page": "/about-us", "helpful": "yes"},
                           headers={"origin": "http://testserver",
                                    "sec-fetch-site": "same-origin"}, follow_redirects=False)
    assert response.status_code == 303


def test_feedback_is_rate_limited_per_process(make_client, db: Path) -> None:
    client = make_client()
    statuses = [client.post("/feedback", data={"page": "/about-us", "helpful": "yes"},
                            follow_redirects=False).status_code for _ in range(60)]
    assert statuses[0] == 303 and statuses[-1] == 429
    refused = client.post("/feedback", data={"page": "/about-us", "helpful": "yes"})
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
    flush(client)
    taken = rows(db, "SELECT count FROM feedback")[0][0]
    assert taken == statuses.count(303) < 60


def test_recording_off_stores_nothing_and_shows_no_form(make_client, db: Path) -> None:
    client = make_client(LUPUS_GUIDE_INSIGHTS="0")
    page = client.get("/search", params={"q": "rash"})
    assert page.status_code == 200 and "data-search=" not in page.text
    assert "feedback-vote" not in client.get("/other-drugs/ivig").text
    assert client.post("/feedback", data={"page": "/about-us", "helpful": "yes"},
                       headers={"accept": "application/json"}).json()["recorded"] is False
    assert not db.exists()


def test_a_locked_file_leaves_search_answering_and_counts_drops(make_client, db: Path) -> None:
    client = make_client(LUPUS_GUIDE_INSIGHTS_BUSY_MS="50", LUPUS_GUIDE_INSIGHTS_QUEUE="4")
    client.get("/search", params={"q": "before the lock"})
    flush(client)
    lock = sqlite3.connect(db, isolation_level=None)
    lock.execute("BEGIN EXCLUSIVE")  # another process holds the file
    try:
        for n in range(40):
            response = client.get("/search", params={"q": f"locked search {chr(97 + n % 26)}"})
            assert response.status_code == 200 and "result" in response.text
        store = client.app.state.guide.insights.store
        deadline = time.monotonic() + 10
        while store.stats()["dropped"] == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert store.stats()["dropped"] > 0
    finally:
        lock.execute("ROLLBACK")
        lock.close()
    flush(client)  # what waited in the queue is written once the lock is gone
    dropped = store.stats()["dropped"]
    client.get("/search", params={"q": "after the lock"})
    flush(client)
    found = searches(db)
    assert found["before the lock"] == 1 and found["after the lock"] == 1
    # What was dropped is counted in the file once it can be written again.
    assert sum(count for (count,) in rows(db, "SELECT count FROM drops")) == dropped


def test_an_unwritable_file_leaves_search_answering_and_counts_drops(
        make_client, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    client = make_client(LUPUS_GUIDE_INSIGHTS_DB=str(blocker / "insights.sqlite3"))
    for q in ("rash", "fatigue", "hair loss"):
        assert client.get("/search", params={"q": q}).status_code == 200
    store = client.app.state.guide.insights.store
    store.flush()
    assert store.stats()["dropped"] == 3 and store.stats()["recorded"] == 0


def test_a_read_only_file_leaves_search_answering_and_counts_drops(make_client, db: Path) -> None:
    client = make_client()
    client.get("/search", params={"q": "written first"})
    flush(client)
    client.__exit__(None, None, None)  # its writer closes the file
    made = subprocess.run(["chattr", "+i", str(db)], capture_output=True, check=False)
    if made.returncode != 0:
        pytest.skip(f"cannot make the file read-only here: {made.stderr.decode()[:200]}")
    try:
        client = make_client()
        for q in ("rash", "fatigue"):
            assert client.get("/search", params={"q": q}).status_code == 200
        store = client.app.state.guide.insights.store
        store.flush()
        assert store.stats()["dropped"] == 2
    finally:
        subprocess.run(["chattr", "-i", str(db)], check=True)
    assert searches(db) == {"written first": 1}


# -- /admin -----------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/admin/insights", "/admin/", "/admin/login", "/admin/a/b"])
def test_admin_without_a_token_is_a_404(make_client, path: str) -> None:
    client = make_client()
    assert client.get(path).status_code == 404
    assert client.post(path, data={"token": ""}).status_code in (404, 405)


def test_admin_asks_for_the_token_and_a_wrong_one_is_a_401(make_client) -> None:
    client = make_client(**ADMIN)
    page = client.get("/admin/insights")
    assert page.status_code == 200 and 'name="token"' in page.text and "<table" not in page.text
    wrong = client.post("/admin/login", data={"token": TOKEN + "x"}, follow_redirects=False)
    assert wrong.status_code == 401 and "not right" in wrong.text
    assert "set-cookie" not in wrong.headers


def test_wrong_tokens_are_rate_limited(make_client) -> None:
    client = make_client(**ADMIN)
    statuses = [client.post("/admin/login", data={"token": f"guess {n}"}).status_code
                for n in range(8)]
    assert statuses[:5] == [401] * 5 and statuses[5:] == [429] * 3
    # Even the right token waits until the limit lets attempts through again.
    blocked = client.post("/admin/login", data={"token": TOKEN}, follow_redirects=False)
    assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) >= 1


def login(client: TestClient) -> None:
    response = client.post("/admin/login", data={"token": TOKEN}, follow_redirects=False)
    assert response.status_code == 303
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "path=/admin" in cookie


def test_the_review_calendar_names_the_window_it_uses(make_client) -> None:
    client = make_client(**ADMIN)
    login(client)
    html = client.get("/admin/insights").text
    assert f"Pages due for review in the next {REVIEW_WINDOW_DAYS} days" in html


def test_the_report_page_with_the_token(make_client, db: Path) -> None:
    client = make_client(**ADMIN, LUPUS_GUIDE_INSIGHTS_MIN_HOURS="1")
    client.get("/search", params={"q": "zzqxv"})
    client.get("/search", params={"q": "cant breath"})
    client.post("/feedback", data={"page": "/other-drugs/ivig", "helpful": "no"})
    login(client)
    page = client.get("/admin/insights")
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["content-security-policy"] == CSP
    html = page.text
    assert html.count("<svg") >= 3 and "<script src=\"http" not in html
    assert '<a href="/search?q=zzqxv">zzqxv</a>' in html  # a zero-result query, to search
    assert "<tr><td>zzqxv</td><td>1</td></tr>" in html  # a candidate synonym, not a link
    assert "<tr><td>chest-breathing</td><td>1</td></tr>" in html  # notices, by kind
    assert "content/other-drugs/ivig.html" in html  # the page's file
    # The report is never served from the cache to someone without the session.
    stranger = TestClient(client.app, raise_server_exceptions=False)
    assert "zzqxv" not in stranger.get("/admin/insights").text
    assert 'name="token"' in stranger.get("/admin/insights").text
    client.cookies.set("lupus_guide_admin", "forged." + "A" * 40, path="/admin")
    assert "zzqxv" not in client.get("/admin/insights").text


def test_an_editor_following_a_report_link_is_not_counted(make_client, db: Path) -> None:
    client = make_client(**ADMIN)
    client.get("/search", params={"q": "from the report"},
               headers={"referer": "http://testserver/admin/insights"})
    client.get("/search", params={"q": "from a reader"},
               headers={"referer": "http://testserver/other-drugs/ivig"})
    flush(client)
    assert searches(db) == {"from a reader": 1}


def test_the_k_threshold_holds_over_http(make_client, db: Path) -> None:
    client = make_client(**ADMIN)  # K = 3, the default
    store = client.app.state.guide.insights.store
    now = time.time()
    for hours_ago, q in [(0, "qwzx lupus"), (1, "qwzx lupus"), (2, "qwzx lupus"),
                         (0, "vrrbl"), (1, "vrrbl")]:
        store.clock = lambda h=hours_ago: now - h * 3600
        client.get("/search", params={"q": q})
        # A new "hour" is not in the cache's key: the repeat is served from it, and counts.
    store.clock = time.time
    login(client)
    html = client.get("/admin/insights").text
    assert "qwzx lupus" in html and "vrrbl" not in html
