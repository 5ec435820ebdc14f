"""The guide's pages in the site's layout, and their JSON twins."""

from __future__ import annotations

import json
from collections import defaultdict

from starlette.exceptions import HTTPException
from starlette.requests import Request

from guide_site.article import article_html, fill_urgent_blocks, mark_words
from guide_site.state import app_state
from guide_site.views.common import TEMPLATES, drug_slug, effect_link, html_and_json
from indexer import schema
from indexer.page import SOURCES_ANCHOR
from indexer.side_effects import BODY_SYSTEMS, system_label
from insights.review import date_of

RELATED = 5
MAX_MARKED_WORDS = 20


def _url(request: Request) -> str:
    section = request.path_params.get("section")
    name = request.path_params["name"]
    return f"/{section}/{name}" if section else f"/{name}"


def page_data(request: Request, url: str) -> dict:
    state = app_state(request)
    generation = state.generation()
    page = generation.page_by_url(url)
    if page is None:
        raise HTTPException(404, "We could not find that page.")
    fields = generation.searcher.stored_fields(page["docnum"])
    root = state.settings.content_dir.resolve()
    source = (root / fields[schema.PATH]).resolve()
    if not source.is_relative_to(root) or not source.is_file():
        raise HTTPException(404, "We could not find that page.")
    html = article_html(str(source), fields.get(schema.CONTENT_HASH, ""))
    words = request.query_params.get("highlight", "").split()[:MAX_MARKED_WORDS]
    if words:
        html = mark_words(html, words)
    html = fill_urgent_blocks(html, lambda notice_id: _urgent_block(state, notice_id))
    sections = json.loads(fields.get(schema.SECTIONS_JSON) or "[]")
    headings = [{"text": heading, "anchor": anchor} for anchor, heading, _ in sections if anchor]
    sources = [{"title": title, "url": link}
               for title, link in json.loads(fields.get(schema.SOURCES_JSON) or "[]")]
    if sources and f'id="{SOURCES_ANCHOR}"' in html:
        headings.append({"text": "Sources", "anchor": SOURCES_ANCHOR})
    last_reviewed = _iso_date(fields.get(schema.LAST_REVIEWED))
    next_review = _iso_date(fields.get(schema.NEXT_REVIEW))
    return {
        "title": fields[schema.TITLE],
        "url": url,
        "section": fields.get(schema.SECTION, ""),
        "section_title": fields.get(schema.SECTION_TITLE, ""),
        "description": fields.get(schema.DESCRIPTION, ""),
        "keywords": [k.strip() for k in fields.get(schema.KEYWORDS, "").split(",") if k.strip()],
        "drug": fields.get(schema.DRUG, ""),
        "last_reviewed": last_reviewed,
        "next_review": next_review,
        # Past its next review, a page is still served, with a calm note saying so.
        "review_due": next_review is not None and next_review < state.today().isoformat(),
        "sources": sources,
        "headings": headings,
        "html": html,
        "side_effects": _side_effects(generation, page["pairs"]),
        # A drug page (one that lists side effects) links to the comparison, itself chosen.
        "compare_url": f"/drugs/compare?a={drug_slug(url)}" if page["pairs"] else None,
        "warning_signs": [w for w in fields.get(schema.WARNING_SIGNS, "").split("\n") if w],
        "related": _related(generation, page, fields),
        "highlight": " ".join(words),
    }


def _urgent_block(state, notice_id: str) -> str | None:
    """The shared wording of an urgent notice, as a page shows it (no pinned pages)."""
    notice = state.search_context().notices.notice(notice_id)
    if notice is None:
        return None  # `lupus-guide check` reports the unknown id
    macro = TEMPLATES.env.get_template("_notice.html").module.notice_box
    return str(macro(notice.as_dict(), level=0, role="note", pages=False, compact=True))


def _iso_date(value: object) -> str | None:
    """A stored review date (ISO), or None when the page has none or it is not a date (read
    as the editors' review report reads it)."""
    day = date_of(value)
    return day.isoformat() if day else None


def _side_effects(generation, pairs: list[list[str]]) -> list[dict]:
    by_system: dict[str, list[str]] = defaultdict(list)
    for system, effect in pairs:
        by_system[system].append(effect)
    order = {name: i for i, name in enumerate(BODY_SYSTEMS)}
    return [
        {"system": system, "label": system_label(system),
         "effects": [effect_link(generation, e) for e in effects]}
        for system, effects in sorted(by_system.items(), key=lambda item: order.get(item[0], 99))
    ]


def _related(generation, page: dict, fields: dict) -> list[dict]:
    """Pages this one links to, then others from its section."""
    links = json.loads(fields.get(schema.LINKS_JSON) or "[]")
    found: list[dict] = []
    for url in links:
        other = generation.page_by_url(url.split("#")[0].split("?")[0])
        if other and other["url"] != page["url"] and other not in found:
            found.append(other)
    if len(found) < RELATED and page[schema.SECTION]:
        for other in generation.pages_in(generation.section_masks.get(page[schema.SECTION], 0)):
            if len(found) >= RELATED:
                break
            if other["url"] != page["url"] and other not in found:
                found.append(other)
    return [{"title": p[schema.TITLE], "url": p["url"]} for p in found[:RELATED]]


guide_page, guide_page_api = html_and_json(
    lambda request: page_data(request, _url(request)), "page.html",
    lambda request, data: f"/api/pages{data['url']}")

