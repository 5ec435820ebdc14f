"""Browsing without a query: home, sections, the side-effect index, the drug grid."""

from __future__ import annotations

from collections import defaultdict

from starlette.exceptions import HTTPException
from starlette.requests import Request

from guide_site.state import app_state
from guide_site.views.common import by_listing_order, effect_slug, html_and_json, search_url
from indexer import schema
from indexer.sections import SECTIONS
from indexer.side_effects import BODY_SYSTEMS, system_label
from search.filters import Filters

COMMON_EFFECTS = 12
START_URL = "/lupus-symptoms/what-is-lupus"  # the guide's start page, linked from home


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
            "effect": effect, "label": generation.effect_label(effect), "count": mask.bit_count(),
            "url": f"/side-effects/{effect_slug(effect)}", "systems": systems,
            "system_labels": [system_label(s) for s in systems]})
    return effects


def home_data(request: Request) -> dict:
    generation = app_state(request).generation()
    effects = sorted(_effects(generation), key=lambda e: (-e["count"], e["effect"]))
    start = generation.page_by_url(START_URL)
    return {"sections": _sections(generation), "common_side_effects": effects[:COMMON_EFFECTS],
            "pages": generation.all_mask.bit_count(),
            "start": _page_link(start) if start else None}


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


def side_effect_data(request: Request) -> dict:
    slug = request.path_params["effect"]
    generation = app_state(request).generation()
    effect = next((e for e in generation.effect_masks if effect_slug(e) == slug), None)
    if effect is None:
        raise HTTPException(404, "No drug in the guide lists that side effect.")
    drugs = []
    for page in generation.pages_in(generation.effect_masks[effect]):
        systems = sorted({s for s, e in page["pairs"] if e == effect})
        drugs.append({**_page_link(page), "systems": systems,
                      "system_labels": [system_label(s) for s in systems]})
    return {"effect": effect, "label": generation.effect_label(effect), "slug": slug,
            "drugs": drugs,
            "search_url": search_url(filters=Filters(effect=(effect,)))}


def drugs_data(request: Request) -> dict:
    """Drug pages by body system: how many listed effects each has, each cell a link."""
    generation = app_state(request).generation()
    drug_pages = generation.pages_in(generation.drug_mask)
    used = [s for s in BODY_SYSTEMS if any(s == pair[0] for p in drug_pages for pair in p["pairs"])]
    rows = []
    for page in sorted(drug_pages, key=lambda p: (p[schema.DRUG] or p[schema.TITLE]).casefold()):
        cells = []
        for system in used:
            effects = sorted(e for s, e in page["pairs"] if s == system)
            cells.append({"system": system, "label": system_label(system),
                          "count": len(effects), "effects": effects,
                          "effect_labels": [generation.effect_label(e) for e in effects],
                          "url": f"{page[schema.URL]}#possible-side-effects" if effects else None})
        rows.append({**_page_link(page), "name": page[schema.DRUG] or page[schema.TITLE],
                     "cells": cells, "total": len(page["pairs"])})
    return {"systems": used, "system_labels": [system_label(s) for s in used], "drugs": rows}


# Each view is an HTML page and its JSON twin, from one data function.
home, home_api = html_and_json(home_data, "home.html", lambda r, d: "/api")
section, section_api = html_and_json(
    section_data, "section.html", lambda r, d: f"/api/sections/{d['slug']}")
side_effects, side_effects_api = html_and_json(
    side_effects_data, "side_effects.html", lambda r, d: "/api/side-effects")
side_effect, side_effect_api = html_and_json(
    side_effect_data, "side_effect.html", lambda r, d: f"/api/side-effects/{d['slug']}")
drugs, drugs_api = html_and_json(drugs_data, "drugs.html", lambda r, d: "/api/drugs")
