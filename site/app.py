"""create_app(settings) -> the Lupus Guide Starlette app."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route

from guide_site.http_cache import ResponseCache
from guide_site.middleware import SECURITY_HEADERS, GuardMiddleware
from guide_site.recording import SearchRecorder
from guide_site.settings import Settings, load_settings
from guide_site.state import AppState
from guide_site.static_files import ASSETS
from guide_site.views import admin, browse, feedback, meta, missing, pages, search
from guide_site.views.common import json_response, render
from indexer import generations

log = logging.getLogger("lupus_guide")

ROUTES = [
    Route("/", browse.home),
    Route("/search", search.search_page),
    Route("/sections", browse.sections),
    Route("/sections/{slug}", browse.section),
    Route("/side-effects", browse.side_effects),
    Route("/side-effects/{effect}", browse.side_effect),
    Route("/drugs", browse.drugs),
    Route("/drugs/compare", browse.compare),
    Route("/sitemap", meta.sitemap),
    Route("/sitemap.xml", meta.sitemap_xml),
    Route("/robots.txt", meta.robots),
    Route("/opensearch.xml", meta.opensearch),
    Route("/healthz", meta.healthz),
    Route("/favicon.ico", meta.favicon),
    Route("/api", browse.home_api),
    Route("/api/search", search.search_api),
    Route("/api/suggest", search.suggest_api),
    Route("/api/sections", browse.sections_api),
    Route("/api/sections/{slug}", browse.section_api),
    Route("/api/side-effects", browse.side_effects_api),
    Route("/api/side-effects/{effect}", browse.side_effect_api),
    Route("/api/drugs", browse.drugs_api),
    Route("/api/drugs/compare", browse.compare_api),
    Route("/api/sitemap", meta.sitemap_api),
    Route("/api/status", meta.status_api),
    Route("/api/openapi.json", meta.openapi),
    Route("/api/pages/{section}/{name}", pages.guide_page_api),
    Route("/api/pages/{name}", pages.guide_page_api),
    Route("/feedback", feedback.feedback_page),
    Route("/feedback", feedback.feedback_post, methods=["POST"]),
    Route("/insights/opened", feedback.opened, methods=["POST"]),
    admin.ADMIN,
    Mount("/static", app=ASSETS, name="static"),
    Route("/{section}/{name}", pages.guide_page),
    Route("/{name}", pages.guide_page),
]


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api") or request.url.path == "/healthz"


async def http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    status, detail = error.status_code, error.detail
    if _wants_json(request):
        response = json_response({"error": detail}, status=status)
    elif status == 404:  # a redirect where the address obviously meant another page
        response = await missing.not_found(request, detail)
    else:
        response = render(request, "error.html", {"status": status, "message": detail},
                          status=status)
    response.headers.update(error.headers or {})  # e.g. a 405's Allow
    return response


async def no_index(request: Request, error: Exception) -> Response:
    message = "The guide's search index is being built. Please try again in a minute."
    if _wants_json(request):
        return json_response({"error": message}, status=503)
    return render(request, "error.html", {"status": 503, "message": message}, status=503)


async def server_error(request: Request, error: Exception) -> Response:
    log.exception("error on %s", request.url.path, exc_info=error)
    message = "Something went wrong on our side. Please try again."
    if _wants_json(request):
        response = json_response({"error": message}, status=500)
    else:
        response = render(request, "error.html", {"status": 500, "message": message}, status=500)
    # This handler runs outside every middleware, so it adds the security headers itself.
    response.headers.update(SECURITY_HEADERS)
    return response


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or load_settings()
    state = AppState(settings)

    @asynccontextmanager
    async def lifespan(app: Starlette):
        try:
            # Open the index and get it ready before the first request, if there is one.
            await state.engine.run(lambda: state.guide.context().warm(settings.warm_seconds))
        except Exception as error:  # the site still starts, and answers 503 until a build
            log.warning("%s", error)
        state.insights.start()  # this process's writer thread for the insights
        yield
        state.insights.close()  # writes what is still queued
        state.close()

    app = Starlette(
        routes=ROUTES,
        middleware=[
            Middleware(GuardMiddleware),
            Middleware(SearchRecorder, insights=state.insights),  # outside the cache
            Middleware(ResponseCache, version=state.version,
                       cache_seconds=settings.cache_seconds),
            Middleware(GZipMiddleware, minimum_size=800),
        ],
        exception_handlers={
            HTTPException: http_error,
            generations.NoIndex: no_index,
            Exception: server_error,
        },
        lifespan=lifespan,
    )
    app.state.guide = state
    return app
