"""What the templates need beyond a view's data: static file addresses, the page's own
address (for link previews and print), long words shortened for headings, and facet values
split into the first few and the rest."""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request

from guide_site.static_files import ASSETS

SHORT_HEADING_CHARS = 80  # a pasted paragraph must not fill a phone's first screen
FACET_VALUES_SHOWN = 5
FACET_REST_MIN = 2  # "Show 1 more" hides nothing worth hiding: then all are shown

static_url = ASSETS.url


def shortened(text: str, limit: int = SHORT_HEADING_CHARS) -> str:
    """`text` cut at a word boundary near `limit` characters, with "…" when cut."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return cut.rstrip(",;:.-") + "…"


def split_facet(values: list[dict], shown: int = FACET_VALUES_SHOWN) -> tuple[list, list]:
    """The values a facet shows first (the first `shown`, plus any chosen one further down),
    and the rest, behind "Show more". The order and counts are the facet's own."""
    if len(values) < shown + FACET_REST_MIN:
        return list(values), []
    first = [v for i, v in enumerate(values) if i < shown or v.get("selected")]
    rest = [v for i, v in enumerate(values) if i >= shown and not v.get("selected")]
    if len(rest) < FACET_REST_MIN:
        return list(values), []
    return first, rest


def page_address(request: Request) -> str:
    """This page's full address, as shared or printed: without the words a search marks
    (?highlight=), with the search's words on /search."""
    base = str(request.base_url).rstrip("/")
    path = request.url.path
    if path == "/search" and request.url.query:
        kept = [(k, v) for k, v in request.query_params.multi_items()
                if k not in ("fragment", "typing")]
        return f"{base}{path}?{urlencode(kept)}" if kept else base + path
    return base + path
