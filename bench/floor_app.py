"""The site's app with one bare route added, `/_floor`, as the benchmark's floor.

    uvicorn floor_app:create_app --factory --app-dir bench

`/_floor` answers "ok" through the same server, middleware and connection as `/search`, so
the difference between the two is the search and the results page themselves. The endpoint
is `async` like the site's views (a plain function would run in a thread pool).
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from guide_site.app import create_app as create_guide_app

FLOOR_PATH = "/_floor"


async def floor(request: Request) -> PlainTextResponse:
    return PlainTextResponse("ok")


def create_app() -> Starlette:
    """The guide's app (settings from LUPUS_GUIDE_* variables) with `/_floor` first."""
    app = create_guide_app()
    app.router.routes.insert(0, Route(FLOOR_PATH, floor))
    return app
