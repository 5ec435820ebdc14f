"""/admin/insights: the editors' report as a page, behind LUPUS_GUIDE_ADMIN_TOKEN.

Without the token set, every /admin/... address is a 404. With it, a login form takes the
token (compared in constant time; failures are rate-limited for the whole process) and sets
a signed session cookie (HttpOnly, SameSite=Strict, path /admin) made with a key derived
from the token, so changing the token signs everyone out.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from guide_site import charts
from guide_site.forms import read_form, require_same_origin
from guide_site.state import app_state
from guide_site.views.common import BadRequest, render
from insights.guide import facts_from_context
from insights.report import build_report
from insights.review import REVIEW_WINDOW_DAYS
from insights.store import StoreError

COOKIE = "lupus_guide_admin"
SESSION_SECONDS = 8 * 3600
MAX_TOKEN = 500
DEFAULT_DAYS = 30
FLUSH_SECONDS = 2.0  # how long the report waits for this process's queued events
NO_STORE = {"cache-control": "no-store", "x-robots-tag": "noindex"}


def _token(scope: Scope) -> str:
    return scope["app"].state.guide.insights.settings.admin_token


class AdminGate:
    """Everything under /admin: a 404 without a token; with one, the signed session."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._sessions: tuple[str, ASGIApp] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        token = _token(scope)
        if not token:
            raise HTTPException(404, "We could not find that page.")
        if self._sessions is None or self._sessions[0] != token:
            key = hmac.new(token.encode(), b"lupus-guide admin session", hashlib.sha256)
            self._sessions = (token, SessionMiddleware(
                self.app, secret_key=key.hexdigest(), session_cookie=COOKIE,
                max_age=SESSION_SECONDS, path="/admin", same_site="strict"))
        await self._sessions[1](scope, receive, send)


def _matches(given: str, token: str) -> bool:
    """Constant time, whatever the lengths (both are hashed first)."""
    return hmac.compare_digest(hashlib.sha256(given.encode()).digest(),
                               hashlib.sha256(token.encode()).digest())


def _login_form(request: Request, message: str = "", status: int = 401) -> Response:
    response = render(request, "admin_login.html", {"message": message}, status=status)
    response.headers.update(NO_STORE)
    if status == 401:
        response.headers["www-authenticate"] = 'Form realm="Lupus Guide admin"'
    return response


async def login(request: Request) -> Response:
    require_same_origin(request)
    insights = app_state(request).insights
    if insights.login_failures.exhausted():
        wait = insights.login_failures.retry_after()
        response = _login_form(request, f"Too many wrong tokens. Try again in {wait} seconds.",
                               status=429)
        response.headers["retry-after"] = str(wait)
        return response
    form = await read_form(request, {"token": MAX_TOKEN})
    if not _matches(form.get("token", ""), insights.settings.admin_token):
        insights.login_failures.allow()  # each failure takes one of the few allowed
        return _login_form(request, "That token is not right.")
    request.session.clear()
    request.session["admin"] = True
    return RedirectResponse("/admin/insights", status_code=303, headers=NO_STORE)


async def logout(request: Request) -> Response:
    require_same_origin(request)
    request.session.clear()
    return RedirectResponse("/admin/insights", status_code=303, headers=NO_STORE)


def _days(request: Request, retention: int) -> int:
    raw = request.query_params.get("days", str(DEFAULT_DAYS))
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= retention:
        raise BadRequest(f"days must be a whole number from 1 to {retention}.")
    return int(raw)


def _report(request: Request, days: int) -> dict:
    state = app_state(request)
    insights = state.insights
    facts = facts_from_context(state.search_context())
    return build_report([insights.db_path], days=days, min_hours=insights.settings.min_hours,
                        now=datetime.now(UTC).timestamp(), guide=facts)


async def insights_page(request: Request) -> Response:
    if request.session.get("admin") is not True:
        return _login_form(request, status=200)  # the form itself; a wrong token is a 401
    insights = app_state(request).insights
    days = _days(request, insights.settings.retention_days)
    try:
        if insights.store is not None:
            # What this process has queued, written first: waited for off the engine thread,
            # which every search in the process shares, so a slow write stalls no search.
            await run_in_threadpool(insights.store.flush, FLUSH_SECONDS)
        # On the engine thread: the report reads the live generation (its pages' dates).
        report = await app_state(request).run(lambda r: _report(r, days), request)
    except StoreError as error:
        report, problem = None, str(error)
    else:
        problem = ""
    data = {"report": report, "problem": problem, "days": days,
            "recording": insights.recording, "review_window": REVIEW_WINDOW_DAYS,
            "stats": insights.store.stats() if insights.store else None}
    if report is not None:
        data["charts"] = {
            "per_day": charts.columns([(d["day"], d["count"])
                                       for d in report["searches"]["per_day"]],
                                      "Searches per day"),
            "top": charts.bars([(q["query"], q["count"]) for q in report["top_queries"]],
                               "Top queries"),
            "zero": charts.bars([(q["query"], q["count"]) for q in report["zero_results"]],
                                "Queries with no results"),
            "feedback": charts.split_bars([(p["page"], p["no"], p["yes"])
                                           for p in report["feedback"]],
                                          "Page feedback: No, then Yes"),
            "notices": charts.bars([(n["notice"], n["count"]) for n in report["notices"]],
                                   "Urgent notices shown"),
        }
    response = render(request, "admin_insights.html", data)
    response.headers.update(NO_STORE)
    return response


async def home(request: Request) -> Response:
    return RedirectResponse("/admin/insights", status_code=303, headers=NO_STORE)


async def not_found(request: Request) -> Response:
    raise HTTPException(404, "We could not find that page.")


ADMIN = Mount("/admin", routes=[
    Route("/", home),
    Route("/insights", insights_page),
    Route("/login", login, methods=["POST"]),
    Route("/logout", logout, methods=["POST"]),
    Route("/{rest:path}", not_found, methods=["GET", "POST"]),
], middleware=[Middleware(AdminGate)])
