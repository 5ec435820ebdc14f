"""What every view shares: templates, rendering an HTML view or its JSON twin, URLs."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.templating import Jinja2Templates

from guide_site.state import app_state
from guide_site.views.layout import page_address, shortened, split_facet, static_url
from indexer import schema
from indexer.sections import SECTIONS
from search.filters import FACETS, Filters
from search.wording import counted, date_in_words
from search.wording import effect_slug as effect_slug  # the views import it from here

if TYPE_CHECKING:
    from search.generation import Generation

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).resolve().parent.parent / "templates"))
# The footer's disclaimer: its last sentence is the shared emergency wording, with the
# number as a call link (the emergency_call macro in _macros.html, used by base.html,
# _results.html and feedback.html).
DISCLAIMER = (
    "This guide is for information only. It is not a substitute for professional medical "
    "advice, diagnosis or treatment. Always ask your doctor about your own health."
)


def by_listing_order(pages: list[dict]) -> list[dict]:
    """Pages as a section lists them: by their `order` (lower first, pages without one
    after), then by title."""
    def key(page: dict) -> tuple[bool, int, str]:
        order = page.get(schema.ORDER)
        numbered = isinstance(order, int) and not isinstance(order, bool)
        return (not numbered, order if numbered else 0, str(page[schema.TITLE]).casefold())

    return sorted(pages, key=key)


TEMPLATES.env.globals.update(site_sections=SECTIONS, disclaimer=DISCLAIMER, facet_names=FACETS)
TEMPLATES.env.filters.update(counted=counted, date_in_words=date_in_words)
# Phones and paper (issue 18): hashed static addresses, the page's own address, shortening.
TEMPLATES.env.globals.update(static_url=static_url, page_address=page_address)
TEMPLATES.env.filters.update(shortened=shortened, split_facet=split_facet)


class BadRequest(HTTPException):
    def __init__(self, detail: str) -> None:
        super().__init__(status_code=400, detail=detail)


def render(request: Request, template: str, data: dict, *, status: int = 200,
           json_url: str | None = None) -> Response:
    context = {**data, "json_url": json_url}
    return TEMPLATES.TemplateResponse(request, template, context, status_code=status)


def json_response(data: dict, status: int = 200) -> JSONResponse:
    return JSONResponse(data, status_code=status)


View = Callable[[Request], Awaitable[Response]]


def html_and_json(data: Callable[[Request], dict], template: str,
                  json_url: Callable[[Request, dict], str]) -> tuple[View, View]:
    """An HTML view and its JSON twin, both from the same data, made on the engine thread
    (the data function reads the index; rendering stays on the event loop)."""

    async def html(request: Request) -> Response:
        values = await app_state(request).run(data, request)
        return render(request, template, values, json_url=json_url(request, values))

    async def api(request: Request) -> Response:
        return json_response(await app_state(request).run(data, request))

    return html, api


def search_url(q: str = "", filters: Filters | None = None, page: int = 1,
               exact: bool = False, base: str = "/search") -> str:
    pairs: list[tuple[str, str]] = [("q", q)] if q else []
    pairs += (filters or Filters()).query_pairs()
    if page > 1:
        pairs.append(("page", str(page)))
    if exact:
        pairs.append(("exact", "1"))
    return base + ("?" + urlencode(pairs) if pairs else "")


def drug_slug(url: str) -> str:
    """How /drugs/compare names a drug: the last part of its page's address."""
    return url.rstrip("/").rsplit("/", 1)[-1]


def effect_link(generation: Generation, effect: str) -> dict:
    """A side effect as a link: its key, how the guide writes it, and its own page."""
    return {"effect": effect, "label": generation.effect_label(effect),
            "url": f"/side-effects/{effect_slug(effect)}"}


def with_query(url: str, request: Request) -> str:
    """`url` with the request's query string, if it has one."""
    query = request.url.query
    return url + (f"?{query}" if query else "")


def twin(url: str, request: Request) -> str:
    """The JSON twin of an HTML view's URL, with the same query string."""
    return with_query(url, request)
