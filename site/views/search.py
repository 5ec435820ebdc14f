"""/search and its twin /api/search; /api/suggest for suggestions as you type."""

from __future__ import annotations

import re
from functools import partial
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from guide_site import recording
from guide_site.openapi import MAX_Q_CHARS, MAX_VALUE_CHARS
from guide_site.state import app_state
from guide_site.views.common import BadRequest, json_response, render, search_url, twin
from indexer.side_effects import system_label
from search.filters import FACETS, MAX_VALUES, Filters
from search.results import SearchParams, SearchResult, search
from search.suggest import suggestions

PAGE_NUMBER = re.compile(r"[0-9]{1,6}")  # ASCII digits only ("²".isdigit() is true)


def _switch(query, name: str) -> bool:
    if name not in query:
        return False
    value = query[name].strip()
    if value not in ("0", "1"):
        raise BadRequest(f"{name} must be 0 or 1 (1: {SWITCH_MEANING[name]})")
    return value == "1"


SWITCH_MEANING = {"exact": "search the words exactly as typed, without spelling fixes",
                  "typing": "the last word is still being typed"}


def _page_number(query, limit: int) -> int:
    raw = query.get("page", "1").strip()
    if not PAGE_NUMBER.fullmatch(raw) or int(raw) < 1:
        raise BadRequest("Page numbers are whole numbers, such as 1, 2 or 3.")
    if int(raw) > limit:
        raise BadRequest(f"We show up to {limit} pages of results. Add a word or choose a "
                         "filter to narrow your search.")
    return int(raw)


def _words(query) -> str:
    q = query.get("q", "")
    if len(q) > MAX_Q_CHARS:
        raise BadRequest(f"That search is too long ({len(q)} characters): please use fewer "
                         f"words (at most {MAX_Q_CHARS} characters).")
    return q


def search_params(request: Request, *, typing: bool = False) -> SearchParams:
    """Query-string parameters, validated; a bad one is a 400 that says what is allowed.
    `typing`: the view may be asked for the words as they are being typed (typing=1)."""
    settings = app_state(request).settings
    query = request.query_params
    params = SearchParams(q=_words(query),
                          page=_page_number(query, settings.max_page_number),
                          exact=_switch(query, "exact"),
                          typing=typing and _switch(query, "typing"))
    chosen = {}
    for name in FACETS:
        values = query.getlist(name)
        if any(len(v) > MAX_VALUE_CHARS for v in values) or len(values) > MAX_VALUES:
            raise BadRequest(f"{name} takes at most {MAX_VALUES} values of at most "
                             f"{MAX_VALUE_CHARS} characters each")
        chosen[name] = [v for v in values if v.strip()]
    params.filters = Filters.of(chosen)
    return params


def landing_link(url: str, anchor: str, words: list[str]) -> str:
    """The result's link: the best-matching heading, with the words to mark there."""
    query = f"?{urlencode({'highlight': ' '.join(words)})}" if words else ""
    return url + query + (f"#{anchor}" if anchor else "")


def _facets_view(result: SearchResult, q: str, exact: bool) -> dict:
    """Each facet value with the link that chooses it. A section is one choice (a page has
    one section: choosing another replaces it); body systems and side effects add up. So the
    count on a value is always the total its link gives."""
    filters, out = result.filters, {}
    for name in FACETS:
        values = []
        chosen = filters.chosen(name)
        for value in result.facets[name]:
            if value.selected:
                toggled = [v for v in chosen if v != value.value]
            elif name == "section":
                toggled = [value.value]
            else:
                toggled = [*chosen, value.value]
            href = search_url(q, filters.with_values(name, toggled), exact=exact)
            values.append({**value.as_dict(), "href": href})
        out[name] = values
    return out


def notice_data(result: SearchResult) -> dict | None:
    """The urgent notice with its actions and pinned pages (the same in HTML and JSON)."""
    if result.notice is None:
        return None
    return {**result.notice.as_dict(), "pages": [p.as_dict() for p in result.pinned],
            "only_pinned": result.notice.only_pinned}


def search_data(request: Request, *, typing: bool = False) -> dict:
    state = app_state(request)
    params = search_params(request, typing=typing)
    context = state.search_context()
    result = search(context, params, per_page=state.settings.per_page,
                    max_chars=state.settings.max_query_chars)
    filters = result.filters
    q = result.query if not params.q.strip() else params.q.strip()[: state.settings.max_query_chars]
    chips = [
        {"facet": name, "value": value, "label": next(
            (v.label for v in result.facets[name] if v.value == value), value),
         "href": search_url(q, filters.with_values(name, [v for v in chosen if v != value]),
                            exact=params.exact)}
        for name, chosen in filters
        for value in chosen
    ]
    pages = result.pages
    return {
        "query": q,
        "corrected_query": result.corrected_query,
        "search_instead_url": (
            search_url(q, filters, exact=True) if result.corrected_query else None
        ),
        "total": result.total,
        "page": params.page,
        "per_page": result.per_page,
        "pages": pages,
        "prev_url": search_url(q, filters, min(params.page - 1, pages), params.exact)
        if params.page > 1 else None,
        "last_url": search_url(q, filters, pages, params.exact),
        "past_end": params.page > pages,
        "next_url": search_url(q, filters, params.page + 1, params.exact)
        if params.page < pages else None,
        "results": [
            {
                "title": hit.title,
                "url": hit.url,
                "link": landing_link(hit.url, hit.anchor, result.highlight_terms),
                # To share: the page at its section, without the search's words.
                "share_url": landing_link(hit.url, hit.anchor, []),
                "heading": hit.heading,
                "section": hit.section,
                "section_title": hit.section_title,
                "snippet": hit.snippet,
                "score": hit.score,
                "side_effects": [
                    {**pair, "system_label": system_label(pair["system"]),
                     "label": context.generation.effect_label(pair["effect"])}
                    for pair in hit.side_effects],
            }
            for hit in result.hits
        ],
        "facets": _facets_view(result, q, params.exact),
        "filters": filters.as_dict(),
        "chips": chips,
        "notice": notice_data(result),
        "relaxed": result.relaxed,
        "missing_words": result.missing_words,
        "highlight": " ".join(result.highlight_terms),
        "truncated": result.truncated,
    }


async def search_page(request: Request) -> Response:
    """The results page; with fragment=1, only its results part (for search as you type,
    typing=1 while the last word may still be unfinished). A page past the last is a 404
    that links to the last one."""
    data = await app_state(request).run(partial(search_data, typing=True), request)
    # For the editors' insights: the search, redacted, and its key for results opened.
    event = recording.search_event(app_state(request).insights, data)
    data["search_key"] = event.key if event else None
    template = "_results.html" if request.query_params.get("fragment") == "1" else "search.html"
    status = 404 if data["past_end"] else 200
    response = render(request, template, data, status=status,
                      json_url=twin("/api/search", request))
    recording.mark_search(request, response, data, event)
    return response


async def search_api(request: Request) -> Response:
    return json_response(await app_state(request).run(search_data, request))


def suggest_data(request: Request) -> dict:
    state = app_state(request)
    q = _words(request.query_params)
    found = suggestions(state.search_context(), q, max_chars=state.settings.max_query_chars)
    return {"query": q[: state.settings.max_query_chars],
            "notice": notice_data(found.result) if found.result else None,
            "suggestions": found.items}


async def suggest_api(request: Request) -> Response:
    return json_response(await app_state(request).run(suggest_data, request))
