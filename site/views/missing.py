"""No dead ends: an address the guide does not have is sent where it obviously meant
(`/treating-lupus` -> its section, `/about` -> About Us, `/Drugs/` -> `/drugs`), and any
other 404 page offers the pages a search for the address's words finds best."""

from __future__ import annotations

import logging
import re
from urllib.parse import unquote

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from guide_site.state import app_state
from guide_site.views.common import effect_slug, render, search_url, with_query
from guide_site.views.meta import SITEMAP_VIEWS
from guide_site.views.search import notice_data
from indexer.sections import SECTIONS
from indexer.side_effects import normalize_effect
from search.filters import Filters
from search.results import SearchParams, search

log = logging.getLogger("lupus_guide")

# Other names people type for the site's views and pages (the key is lower case).
SHORT_FORMS: dict[str, str] = {
    "about": "/about-us", "contact": "/contact-us",
    "disclaimer": "/legal-disclaimer", "legal": "/legal-disclaimer", "home": "/",
    "index": "/", "section": "/sections", "side-effect": "/side-effects",
    "sideeffects": "/side-effects", "drug": "/drugs", "medicines": "/drugs",
    "compare": "/drugs/compare", "site-map": "/sitemap", "a-z": "/sitemap",
    "symptoms": "/sections/lupus-symptoms", "diagnosis": "/sections/diagnosing-lupus",
    "treatment": "/sections/treating-lupus", "treatments": "/sections/treating-lupus",
    "living": "/sections/living-with-lupus", "psychological": "/sections/psychological-issues",
}
VIEWS = frozenset({*SITEMAP_VIEWS, "/search"})
NOT_WORDS = frozenset({"html", "htm", "php", "asp", "aspx", "index", "www", "sections",
                       "pages", "page"})
MAX_WORDS = 8
OFFERED = 5
WORD_SPLIT = re.compile(r"[^\w']+")


def _clean(path: str) -> str:
    """The path as it was probably meant: lower case, no doubled or trailing slashes, no
    `.html`."""
    path = re.sub(r"/{2,}", "/", unquote(path)).lower().rstrip("/")
    path = re.sub(r"\.html?$", "", path)
    return path or "/"


def redirect_target(request: Request) -> str | None:
    """Where a missing address obviously meant to go, or None. Only addresses the site
    has are returned (never one built from the request), so this cannot send anyone away."""
    path = _clean(request.url.path)
    generation = app_state(request).generation()
    parts = path.strip("/").split("/")
    target = None
    if path in VIEWS or generation.page_by_url(path) is not None:
        target = path
    elif len(parts) == 1 and parts[0] in SECTIONS:
        target = f"/sections/{parts[0]}"
    elif len(parts) == 1 and parts[0] in SHORT_FORMS:
        target = SHORT_FORMS[parts[0]]
    elif len(parts) == 2 and parts[0] == "sections" and parts[1] in SECTIONS:
        target = path
    elif len(parts) == 2 and parts[0] == "side-effects":
        slug = effect_slug(normalize_effect(parts[1].replace("-", " ")))
        if any(effect_slug(e) == slug for e in generation.effect_masks):
            target = f"/side-effects/{slug}"
    if target is None or target == request.url.path:
        return None
    return with_query(target, request)


def path_words(path: str) -> tuple[str, str | None]:
    """The words of a missing path, and the section it names first, if any:
    `/treating-lupus/methotrexat` -> ("methotrexat", "treating-lupus")."""
    parts = [p for p in unquote(path).lower().split("/") if p]
    section = parts[0] if parts and parts[0] in SECTIONS else None
    if section:
        parts = parts[1:]
    words = [w for part in parts for w in WORD_SPLIT.split(part.replace("_", " "))
             if w and w not in NOT_WORDS and not w.isdigit()]
    return " ".join(words[:MAX_WORDS]), section


def not_found_data(request: Request) -> dict:
    """The best pages for the words of the missing address (none when it has no words,
    or when anything goes wrong: a 404 page never fails)."""
    words, section = path_words(request.url.path)
    data: dict = {"words": words, "offered": [], "search_url": search_url(words) if words
                  else None, "notice": None}
    if not words:
        return data
    try:
        state = app_state(request)
        context = state.search_context()
        result = None
        for filters in (Filters(section=(section,)), Filters()) if section else (Filters(),):
            result = search(context, SearchParams(q=words, filters=filters),
                            per_page=OFFERED, max_chars=state.settings.max_query_chars)
            if result.hits or result.notice:
                break
    except Exception:  # the index is being built, or a bug: still a helpful 404
        log.exception("search for the missing page %s", request.url.path)
        return data
    data["notice"] = notice_data(result)
    data["offered"] = [{"title": hit.title, "url": hit.url, "section_title": hit.section_title}
                       for hit in result.hits]
    return data


def missing_data(request: Request) -> dict:
    """Where to send a missing address, or what to offer on its 404 page (on the engine
    thread: both read the index)."""
    try:
        target = redirect_target(request)
    except Exception:  # no index yet: no redirect, just the page
        target = None
    return {"redirect": target} if target else not_found_data(request)


NOT_SEARCHED = ("/static/", "/admin")  # their 404s are plain ones


async def not_found(request: Request, message: str) -> Response:
    """A 404 for a person: a redirect where the address obviously meant another, else the
    friendly page with the best pages for its words."""
    data: dict = {"words": "", "offered": [], "search_url": None, "notice": None}
    if request.method in ("GET", "HEAD") and not request.url.path.startswith(NOT_SEARCHED):
        try:
            data = await app_state(request).run(missing_data, request)
        except Exception:  # the index is being built: a plain 404 then
            log.exception("no redirect or offer for %s", request.url.path)
        if data.get("redirect"):
            return RedirectResponse(data["redirect"], status_code=301)
    return render(request, "error.html", {"status": 404, "message": message, **data},
                  status=404)
