"""Page feedback ("Was this page helpful?") and the results-opened beacon, for the editors'
insights. Both work without JavaScript or without being sent at all: a form POST answered
with a redirect, and a plain link that the beacon only reports."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from guide_site.forms import read_form, require_same_origin
from guide_site.state import app_state
from guide_site.views.common import TEMPLATES, BadRequest, render
from indexer import schema
from insights.events import KEY_CHARS, REASONS, FeedbackEvent, OpenedEvent

MAX_URL = 300
SEARCH_KEY = re.compile(rf"[0-9a-f]{{{KEY_CHARS}}}")
STEPS = ("reasons", "thanks")
TEMPLATES.env.globals["reasons_choices"] = REASONS  # the form at the end of every page


async def _guide_page(request: Request, url: str) -> dict | None:
    """The page at `url` (its path, without a query or #anchor), if the guide has it
    (looked up on the engine thread, which alone reads the index)."""
    path = url.split("#", 1)[0].split("?", 1)[0]
    if not path.startswith("/") or len(path) > MAX_URL:
        return None
    return await app_state(request).run(
        lambda r: app_state(r).generation().page_by_url(path), request)


def _too_many(retry_after: int) -> HTTPException:
    return HTTPException(429, "We are getting many answers right now, so this one was not "
                              "saved. Thank you for trying.",
                         headers={"retry-after": str(retry_after)})


async def feedback_post(request: Request) -> Response:
    """One answer: helpful=yes|no, or after a No, reason=<one of REASONS>. A script asking
    for JSON gets {"next": "reasons"|"thanks"}; a form gets a redirect to that step."""
    require_same_origin(request)
    form = await read_form(request, {"page": MAX_URL, "helpful": 3, "reason": 12})
    helpful, reason = form.get("helpful"), form.get("reason")
    if (helpful is None) == (reason is None) or helpful not in (None, "yes", "no") \
            or (reason is not None and reason not in REASONS):
        raise BadRequest("Send page with either helpful (yes or no) or a reason ("
                         + ", ".join(REASONS) + ").")
    page = await _guide_page(request, form.get("page", ""))
    if page is None:
        raise BadRequest("page must be the address of a page of the guide.")
    insights = app_state(request).insights
    if insights.store is not None:
        if not insights.feedback_limit.allow():
            raise _too_many(insights.feedback_limit.retry_after())
        insights.store.record(FeedbackEvent(
            page=page["url"], helpful=None if helpful is None else helpful == "yes",
            reason=reason, hour=insights.store.hour()))
    step = "reasons" if helpful == "no" else "thanks"
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse({"recorded": insights.store is not None, "next": step})
    return RedirectResponse(f"/feedback?{urlencode({'page': page['url'], 'step': step})}",
                            status_code=303)


async def feedback_page(request: Request) -> Response:
    """The steps after an answer sent without JavaScript: the reasons, or thanks."""
    step = request.query_params.get("step", "thanks")
    if step not in STEPS:
        raise BadRequest("step must be reasons or thanks.")
    page = await _guide_page(request, request.query_params.get("page", ""))
    if page is None:
        raise HTTPException(404, "We could not find that page.")
    return render(request, "feedback.html", {"step": step, "url": page["url"],
                                             "page_title": page[schema.TITLE]})


async def opened(request: Request) -> Response:
    """A result opened from a search (navigator.sendBeacon): the search's key and the page."""
    require_same_origin(request)
    form = await read_form(request, {"search": KEY_CHARS, "url": MAX_URL + 100})
    key = form.get("search", "")
    page = await _guide_page(request, form.get("url", ""))
    if not SEARCH_KEY.fullmatch(key) or page is None:
        raise BadRequest(f"Send search (the search's {KEY_CHARS}-character key) and url "
                         "(a page of the guide).")
    insights = app_state(request).insights
    if insights.store is not None:
        if not insights.opened_limit.allow():
            raise _too_many(insights.opened_limit.retry_after())
        insights.store.record(OpenedEvent(key=key, url=page["url"],
                                          hour=insights.store.hour()))
    return Response(status_code=204)
