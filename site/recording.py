"""Recording searches for the editors' insights, off the request path.

The search page describes its search (redacted; a crisis search by its notice only) in an
internal response header. `SearchRecorder`, outside the response cache, takes the header off
every answer to /search and puts the event on the store's queue, so a search answered from
the cache counts as much as one worked out. Nothing about the reader (address, browser,
cookies) is read here.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from guide_site.settings import Settings
from insights.events import SearchEvent
from insights.rate_limit import RateLimit
from insights.store import InsightsStore

log = logging.getLogger("lupus_guide")
HEADER = b"x-lupus-guide-search"  # internal: never leaves the server
SEARCH_PATH = "/search"
ADMIN_PREFIX = "/admin/"


class SiteInsights:
    """This process's recording: the store (None when LUPUS_GUIDE_INSIGHTS=0) and the rate
    limits of the endpoints that record (per process, never per reader)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings.insights
        self.db_path = self.settings.db_for(settings.index_dir)
        self.store = InsightsStore(self.db_path, retention_days=self.settings.retention_days,
                                   queue_size=self.settings.queue_size,
                                   busy_ms=self.settings.busy_ms) if self.settings.enabled else None
        self.feedback_limit = RateLimit(per_minute=120, burst=30)
        self.opened_limit = RateLimit(per_minute=600, burst=100)
        self.login_failures = RateLimit(per_minute=5, burst=5)

    @property
    def recording(self) -> bool:
        return self.store is not None

    def start(self) -> None:
        if self.store is not None:
            self.store.start()

    def close(self) -> None:
        if self.store is not None:
            self.store.close()


def search_event(insights: SiteInsights, data: dict) -> SearchEvent | None:
    """The search on the page described as it may be stored (None when not recording)."""
    if not insights.recording:
        return None
    notice = data["notice"]
    filters = data["filters"]
    return SearchEvent.of(
        data["query"], filters,
        total=data["total"], relaxed=bool(data["relaxed"]),
        corrected=data["corrected_query"] is not None,
        notice=notice["id"] if notice else None,
        crisis=bool(notice and notice["only_pinned"]))


def mark_search(request: Request, response: Response, data: dict,
                event: SearchEvent | None) -> None:
    """Marks the answer as a search to count: a sent search's first page (words being typed
    are not searches yet; the script reports them once typing pauses, see search.js)."""
    filters = data["filters"]
    chosen = data["query"] or any(filters.values())
    typing = request.query_params.get("typing") == "1"
    if event is not None and chosen and not typing and data["page"] == 1 \
            and response.status_code == 200:
        response.headers[HEADER.decode()] = event.to_json()


class SearchRecorder:
    """Takes the search page's internal header off its answers and records the search."""

    def __init__(self, app: ASGIApp, insights: SiteInsights) -> None:
        self.app = app
        self.insights = insights

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != SEARCH_PATH:
            await self.app(scope, receive, send)
            return
        store = self.insights.store
        # An editor following a link in the report is not a reader searching.
        from_admin = _referred_by_admin(scope)

        async def send_recording(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.get("headers") or []
                payload = next((value for name, value in headers if name == HEADER), None)
                if payload is not None:
                    message = {**message,
                               "headers": [(n, v) for n, v in headers if n != HEADER]}
                    if store is not None and not from_admin and message["status"] == 200:
                        store.record_search(payload)
            await send(message)

        await self.app(scope, receive, send_recording)


def _referred_by_admin(scope: Scope) -> bool:
    for name, value in scope.get("headers") or ():
        if name == b"referer":
            return urlsplit(value.decode("latin-1")).path.startswith(ADMIN_PREFIX)
    return False
