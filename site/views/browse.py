"""Browsing without a query: home, sections, the side-effect index, the drug grid."""

from __future__ import annotations

import json
from collections import defaultdict

from starlette.exceptions import HTTPException
from starlette.requests import Request

from guide_site.openapi import MAX_VALUE_CHARS
from guide_site.state import app_state
from guide_site.views.common import (
    BadRequest,
    by_listing_order,
    drug_slug,
    effect_link,
    effect_slug,
    html_and_json,
    search_url,
    twin,
)
from indexer import schema
from indexer.page_rules import is_side_effects_heading
from indexer.sections import SECTIONS
from indexer.side_effects import BODY_SYSTEMS, parse_side_effect_line, system_label
from search.filters import Filters

COMMON_EFFECTS = 12
START_URL = "/lupus-symptoms/what-is-lupus"  # the guide's start page, linked from home
SIDE_EFFECTS_ANCHOR = "possible-side-effects"  # when a page's own anchor is not stored
COMPARED = ("a", "b")  # /drugs/compare?a=methotrexate&b=azathioprine


def _page_link(page: dict) -> dict:
    return {"title": page[schema.TITLE], "url": page[schema.URL],
            "description": page[schema.DESCRIPTION], "drug": page[schema.DRUG]}


def _sections(generation) -> list[dict]:
    return [{"slug": slug, "title": title, "url": f"/sections/{slug}",
             "count": generation.section_masks.get(slug, 0).bit_count()}
            for slug, title in SECTIONS.items()]


def _effects(generation) -> list[dict]:
    """Every side effect with how many drug pages list it and under which body systems."""
    systems_of: dict[str, set[str]] = defaultdict(set)
    for system, effect in generation.pair_masks:
        systems_of[effect].add(system)
    effects = []
    for effect, mask in sorted(generation.effect_masks.items()):
        systems = sorted(systems_of[effect])
        effects.append({
            **effect_link(generation, effect), "count": mask.bit_count(), "systems": systems,
            "system_labels": [system_label(s) for s in systems]})
    return effects


def home_data(request: Request) -> dict:
    generation = app_state(request).generation()
    effects = sorted(_effects(generation), key=lambda e: (-e["count"], e["effect"]))
    start = generation.page_by_url(START_URL)
    return {"sections": _sections(generation), "common_side_effects": effects[:COMMON_EFFECTS],
            "pages": generation.all_mask.bit_count(),
            "start": _page_link(start) if start else None}


def sections_data(request: Request) -> dict:
    """Every section of the guide, with how many pages it has."""
    return {"sections": _sections(app_state(request).generation())}


def section_data(request: Request) -> dict:
    slug = request.path_params["slug"]
    if slug not in SECTIONS:
        raise HTTPException(404, f"There is no section called {slug!r}.")
    generation = app_state(request).generation()
    listed = by_listing_order(generation.pages_in(generation.section_masks.get(slug, 0)))
    pages = [{**_page_link(p), "order": p[schema.ORDER] if isinstance(p[schema.ORDER], int)
              else None} for p in listed]
    return {"slug": slug, "title": SECTIONS[slug], "pages": pages,
            "search_url": search_url(filters=Filters(section=(slug,)))}


def side_effects_data(request: Request) -> dict:
    generation = app_state(request).generation()
    effects = _effects(generation)
    groups = []
    for system in BODY_SYSTEMS:
        members = [e for e in effects if system in e["systems"]]
        if members:
            groups.append({"system": system, "label": system_label(system),
                           "effects": members})
    return {"systems": groups, "total": len(effects)}


def _side_effects_anchor(sections: list) -> str:
    """The anchor of the page's "Possible Side Effects" heading, from its parsed sections."""
    for anchor, heading, _ in sections:
        if anchor and is_side_effects_heading(heading):
            return anchor
    return SIDE_EFFECTS_ANCHOR


def _lines_naming(fields: dict, effect: str) -> list[str]:
    """The lines of the page's side-effect list that name `effect`, as the page wrote
    them (none from an index built before the lines were stored)."""
    lines = json.loads(fields.get(schema.SIDE_EFFECT_LINES_JSON) or "[]")
    return [line for line in lines
            if any(e.effect == effect for e in parse_side_effect_line(line).effects)]


def side_effect_data(request: Request) -> dict:
    """The drugs that list one side effect: for each, the line of its list that names it,
    a link to its side-effect section and its "call your doctor right away" signs."""
    slug = request.path_params["effect"]
    generation = app_state(request).generation()
    effect = next((e for e in generation.effect_masks if effect_slug(e) == slug), None)
    if effect is None:
        raise HTTPException(404, "No drug in the guide lists that side effect.")
    drugs = []
    for page in generation.pages_in(generation.effect_masks[effect]):
        fields, sections, _ = generation.result_fields(page["docnum"])  # cached, parsed
        systems = sorted({s for s, e in page["pairs"] if e == effect})
        drugs.append({
            **_page_link(page), "name": page[schema.DRUG] or page[schema.TITLE],
            "systems": systems, "system_labels": [system_label(s) for s in systems],
            "lines": _lines_naming(fields, effect),
            "side_effects_url": f"{page[schema.URL]}#{_side_effects_anchor(sections)}",
            "warning_signs": [w for w in fields.get(schema.WARNING_SIGNS, "").split("\n") if w],
        })
    return {"effect": effect, "label": generation.effect_label(effect), "slug": slug,
            "drugs": drugs,
            "search_url": search_url(filters=Filters(effect=(effect,)))}


def _drug_pages(generation) -> list[dict]:
    """The drug pages, by drug name."""
    return sorted(generation.pages_in(generation.drug_mask),
                  key=lambda p: (p[schema.DRUG] or p[schema.TITLE]).casefold())


def drugs_data(request: Request) -> dict:
    """Drug pages (rows) by body system (columns): each cell the effects the drug's page
    lists for that part of the body, each a link to its side-effect page."""
    generation = app_state(request).generation()
    drug_pages = _drug_pages(generation)
    used = [s for s in BODY_SYSTEMS if any(s == pair[0] for p in drug_pages for pair in p["pairs"])]
    rows = []
    for page in drug_pages:
        _, sections, _ = generation.result_fields(page["docnum"])
        listed = f"{page[schema.URL]}#{_side_effects_anchor(sections)}"
        cells = []
        for system in used:
            effects = sorted(e for s, e in page["pairs"] if s == system)
            cells.append({"system": system, "label": system_label(system),
                          "count": len(effects), "effects": effects,
                          "effect_labels": [generation.effect_label(e) for e in effects],
                          "links": [effect_link(generation, e) for e in effects],
                          "url": listed if effects else None})
        rows.append({**_page_link(page), "name": page[schema.DRUG] or page[schema.TITLE],
                     "slug": drug_slug(page[schema.URL]), "side_effects_url": listed,
                     "cells": cells, "total": len(page["pairs"])})
    return {"systems": used, "system_labels": [system_label(s) for s in used], "drugs": rows}


def compare_data(request: Request) -> dict:
    """Two drugs side by side: for each body system, the effects each page lists, and the
    effects both list. A name the guide does not have is said, not an error."""
    generation = app_state(request).generation()
    drug_pages = _drug_pages(generation)
    by_slug = {drug_slug(p[schema.URL]): p for p in drug_pages}
    asked = []
    for name in COMPARED:
        value = request.query_params.get(name, "")
        if len(value) > MAX_VALUE_CHARS:
            raise BadRequest(f"{name} is the name of a drug page, at most {MAX_VALUE_CHARS} "
                             "characters, such as methotrexate")
        asked.append(value.strip().lower())
    unknown = [value for value in asked if value and value not in by_slug]
    chosen = [by_slug[value] for value in asked if value in by_slug]
    compared, rows, in_both = [], [], []
    if len(chosen) == 2:
        compared = [{**_page_link(p), "name": p[schema.DRUG] or p[schema.TITLE],
                     "slug": drug_slug(p[schema.URL])} for p in chosen]
        effects_of = [{tuple(pair) for pair in p["pairs"]} for p in chosen]
        for system in BODY_SYSTEMS:
            cells = [sorted(e for s, e in pairs if s == system) for pairs in effects_of]
            if any(cells):
                rows.append({"system": system, "label": system_label(system),
                             "cells": [[effect_link(generation, e) for e in cell]
                                       for cell in cells]})
        shared = {e for _, e in effects_of[0]} & {e for _, e in effects_of[1]}
        in_both = [effect_link(generation, e) for e in sorted(shared)]
    return {"drugs": [{"slug": drug_slug(p[schema.URL]), "name": p[schema.DRUG] or p[schema.TITLE]}
                      for p in drug_pages],
            "chosen": asked, "unknown": unknown, "compared": compared, "rows": rows,
            "in_both": in_both}


# Each view is an HTML page and its JSON twin, from one data function.
home, home_api = html_and_json(home_data, "home.html", lambda r, d: "/api")
sections, sections_api = html_and_json(sections_data, "sections.html", lambda r, d: "/api/sections")
section, section_api = html_and_json(
    section_data, "section.html", lambda r, d: f"/api/sections/{d['slug']}")
side_effects, side_effects_api = html_and_json(
    side_effects_data, "side_effects.html", lambda r, d: "/api/side-effects")
side_effect, side_effect_api = html_and_json(
    side_effect_data, "side_effect.html", lambda r, d: f"/api/side-effects/{d['slug']}")
drugs, drugs_api = html_and_json(drugs_data, "drugs.html", lambda r, d: "/api/drugs")
compare, compare_api = html_and_json(
    compare_data, "compare.html",
    lambda r, d: twin("/api/drugs/compare", r))
