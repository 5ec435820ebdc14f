"""The JSON API's OpenAPI 3.1 description (served at /api/openapi.json).

Every JSON route is here, each answer with its schema, so a client nobody here wrote (a
validator, schemathesis) can hold the API to its contract; tests do both."""

from __future__ import annotations

from search.filters import FACETS, MAX_VALUES

MAX_Q_CHARS = 2000  # longer is refused (400); the search itself reads the first 300
MAX_VALUE_CHARS = 100  # a facet value, or a drug's name in /drugs/compare

STRING = {"type": "string"}
INTEGER = {"type": "integer"}
BOOLEAN = {"type": "boolean"}
NULLABLE_STRING = {"type": ["string", "null"]}


def _object(properties: dict, required: tuple[str, ...] = ()) -> dict:
    return {"type": "object", "properties": properties, "required": list(required)}


def _array(items: dict) -> dict:
    return {"type": "array", "items": items}


def _list_param(name: str, description: str, example: str) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": {"type": "array", "maxItems": MAX_VALUES,
                       "items": {"type": "string", "maxLength": MAX_VALUE_CHARS}},
            "style": "form", "explode": True, "example": [example]}


def _path(name: str, example: str) -> dict:
    return {"name": name, "in": "path", "required": True, "example": example,
            "schema": {"type": "string", "minLength": 1, "maxLength": MAX_VALUE_CHARS}}


def _json(description: str, schema: dict) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERROR = _object({"error": STRING}, ("error",))
BAD = _json("The parameters are not valid; `error` says what is allowed", ERROR)
MISSING = _json("There is no such page", ERROR)
UNAVAILABLE = _json("The index is being built; try again in a minute", ERROR)
TOO_LONG = _json("The address is too long (over 16 KB); refused before any work", ERROR)
PAGE_LINK = _object({"title": STRING, "url": STRING, "description": STRING, "drug": STRING},
                    ("title", "url"))
EFFECT = _object({"effect": STRING, "label": STRING, "count": INTEGER, "url": STRING,
                  "systems": _array(STRING), "system_labels": _array(STRING)},
                 ("effect", "label", "url"))
ACTION = _object({"label": STRING, "href": STRING, "region": STRING}, ("label", "href"))
NOTICE = {"type": ["object", "null"], "required": ["id", "title", "message", "actions"],
          "properties": {"id": STRING, "title": STRING, "message": STRING,
                         "actions": _array(ACTION), "only_pinned": BOOLEAN,
                         "pages": _array(_object({"title": STRING, "url": STRING,
                                                  "heading": STRING}, ("title", "url")))}}
FACET_VALUE = _object({"value": STRING, "label": STRING, "count": INTEGER,
                       "selected": BOOLEAN, "href": STRING},
                      ("value", "label", "count", "selected", "href"))
RESULT = _object({
    "title": STRING, "url": STRING, "heading": STRING, "section": STRING,
    "section_title": STRING, "score": {"type": "number"},
    "link": {"type": "string", "description": "The page at its best section, with the words "
             "of the search to mark there"},
    "share_url": {"type": "string", "description": "The page at its best section, to share"},
    "snippet": {"type": "string", "description": "HTML: escaped text, matches in <mark>"},
    "side_effects": _array(_object({"system": STRING, "effect": STRING, "label": STRING,
                                    "system_label": STRING})),
}, ("title", "url", "link", "share_url", "snippet"))
SEARCH = _object({
    "query": STRING, "corrected_query": NULLABLE_STRING, "search_instead_url": NULLABLE_STRING,
    "total": INTEGER, "page": INTEGER, "per_page": INTEGER, "pages": INTEGER,
    "prev_url": NULLABLE_STRING, "next_url": NULLABLE_STRING, "last_url": STRING,
    "past_end": BOOLEAN, "results": _array(RESULT),
    "facets": _object({name: _array(FACET_VALUE) for name in ("section", "system", "effect")}),
    "filters": _object({name: _array(STRING) for name in ("section", "system", "effect")}),
    "chips": _array(_object({"facet": STRING, "value": STRING, "label": STRING,
                             "href": STRING})),
    "notice": NOTICE, "relaxed": BOOLEAN, "missing_words": _array(STRING),
    "highlight": STRING, "truncated": BOOLEAN,
}, ("query", "total", "page", "pages", "results", "facets", "notice", "relaxed"))
SUGGEST = _object({
    "query": STRING, "notice": NOTICE,
    "suggestions": _array(_object({
        "text": STRING, "url": STRING, "detail": STRING,
        "kind": {"type": "string", "enum": ["help", "page", "section", "side effect",
                                            "search"]}}, ("text", "kind", "url"))),
}, ("query", "notice", "suggestions"))
GUIDE_PAGE = _object({
    "title": STRING, "url": STRING, "section": STRING, "section_title": STRING,
    "description": STRING, "keywords": _array(STRING), "drug": STRING,
    "last_reviewed": {"type": ["string", "null"], "format": "date"},
    "next_review": {"type": ["string", "null"], "format": "date"}, "review_due": BOOLEAN,
    "sources": _array(_object({"title": STRING, "url": STRING}, ("title", "url"))),
    "headings": _array(_object({"text": STRING, "anchor": STRING})),
    "html": {"type": "string", "description": "The article, sanitized HTML"},
    "side_effects": _array(_object({"system": STRING, "label": STRING,
                                    "effects": _array({"type": "object"})})),
    "compare_url": NULLABLE_STRING,
    "warning_signs": _array(STRING), "related": _array(_object({"title": STRING,
                                                                "url": STRING})),
    "highlight": STRING,
}, ("title", "url", "html", "last_reviewed", "next_review", "sources"))
SECTIONS = _array(_object({"slug": STRING, "title": STRING, "url": STRING, "count": INTEGER},
                          ("slug", "title", "url")))
HOME = _object({"sections": SECTIONS, "common_side_effects": _array(EFFECT), "pages": INTEGER,
                "start": {"oneOf": [PAGE_LINK, {"type": "null"}]}}, ("sections", "pages"))
SECTION = _object({"slug": STRING, "title": STRING, "search_url": STRING,
                   "pages": _array({**PAGE_LINK, "properties": {
                       **PAGE_LINK["properties"], "order": {"type": ["integer", "null"]}}})},
                  ("slug", "title", "pages"))
SIDE_EFFECTS = _object({"total": INTEGER, "systems": _array(_object(
    {"system": STRING, "label": STRING, "effects": _array(EFFECT)}))}, ("systems", "total"))
EFFECT_LINK = _object({"effect": STRING, "label": STRING, "url": STRING},
                      ("effect", "label", "url"))
EFFECT_DRUG = {**PAGE_LINK, "properties": {
    **PAGE_LINK["properties"], "name": STRING, "systems": _array(STRING),
    "system_labels": _array(STRING),
    "lines": {**_array(STRING), "description": "The lines of the drug page's side-effect "
              "list that name this effect, as written"},
    "side_effects_url": {"type": "string", "description": "The drug page's side-effect list"},
    "warning_signs": {**_array(STRING), "description": "When to call a doctor right away"}}}
SIDE_EFFECT = _object({"effect": STRING, "label": STRING, "slug": STRING,
                       "search_url": STRING, "drugs": _array(EFFECT_DRUG)},
                      ("effect", "label", "drugs"))
DRUGS = _object({"systems": _array(STRING), "system_labels": _array(STRING),
                 "drugs": _array(PAGE_LINK)}, ("systems", "drugs"))
COMPARE = _object({
    "drugs": _array(_object({"slug": STRING, "name": STRING}, ("slug", "name"))),
    "chosen": _array(STRING), "unknown": _array(STRING),
    "compared": _array({**PAGE_LINK, "properties": {**PAGE_LINK["properties"],
                                                    "name": STRING, "slug": STRING}}),
    "rows": _array(_object({"system": STRING, "label": STRING,
                            "cells": _array(_array(EFFECT_LINK))})),
    "in_both": _array(EFFECT_LINK),
}, ("drugs", "chosen", "unknown", "compared", "rows", "in_both"))
SITEMAP = _object({"groups": _array(_object({"slug": STRING, "title": STRING,
                                             "pages": _array(PAGE_LINK)}))}, ("groups",))
STATUS = _object({"generation": INTEGER, "pages": INTEGER, "built_at": NULLABLE_STRING,
                  "sections": {"type": "object", "additionalProperties": INTEGER}},
                 ("generation", "pages"))
HEALTH = _object({"ok": BOOLEAN, "generation": INTEGER, "error": STRING}, ("ok",))

Q = {"name": "q", "in": "query", "required": False, "example": "headache after infusion",
     "description": "What to search for: words, \"a phrase\", -word, section:, effect:, "
                    "system:", "schema": {"type": "string", "maxLength": MAX_Q_CHARS}}
# Each facet's description and example, listed in FACETS' order (a new facet must be added).
FACET_PARAMETERS = {
    "section": ("Section slug; a page has one section", "treating-lupus"),
    "system": ("Body system key, e.g. Neurologic (several narrow)", "Neurologic"),
    "effect": ("Side effect, e.g. headache (several narrow)", "headache"),
}
SEARCH_PARAMETERS = [
    Q,
    *(_list_param(name, *FACET_PARAMETERS[name]) for name in FACETS),
    {"name": "page", "in": "query", "required": False, "example": 1,
     "description": "Results page; past the last, `results` is empty and `past_end` true",
     "schema": {"type": "integer", "minimum": 1, "maximum": 50}},
    {"name": "exact", "in": "query", "required": False, "example": "1",
     "description": "1: the words exactly as typed, without spelling fixes",
     "schema": {"type": "string", "enum": ["0", "1"]}},
]


def _get(summary: str, ok: dict, *, parameters: list[dict] | None = None,
         errors: tuple[str, ...] = ()) -> dict:
    responses = {"200": _json(summary, ok), "414": TOO_LONG, "503": UNAVAILABLE}
    if "400" in errors:
        responses["400"] = BAD
    if "404" in errors:
        responses["404"] = MISSING
    return {"get": {"summary": summary, "parameters": parameters or [],
                    "responses": responses}}


OPENAPI: dict = {
    "openapi": "3.1.0",
    "info": {"title": "Lupus Guide API", "version": "2",
             "description": "The data behind every page of the Lupus Guide, as JSON: each "
                            "HTML view has a twin under /api."},
    "paths": {
        "/api": _get("Sections, common side effects and the page to start with", HOME),
        "/api/search": _get("Search the guide: results, facets and any urgent notice", SEARCH,
                            parameters=SEARCH_PARAMETERS, errors=("400",)),
        "/api/suggest": _get("Suggestions for the words typed so far", SUGGEST,
                             parameters=[Q], errors=("400",)),
        "/api/pages/{section}/{name}": _get(
            "One guide page", GUIDE_PAGE, errors=("404",),
            parameters=[_path("section", "treating-lupus"), _path("name", "methotrexate")]),
        "/api/pages/{name}": _get("One of the site's own pages", GUIDE_PAGE, errors=("404",),
                                  parameters=[_path("name", "about-us")]),
        "/api/sections": _get("The sections of the guide", _object({"sections": SECTIONS},
                                                                  ("sections",))),
        "/api/sections/{slug}": _get("A section's pages, in the editors' order", SECTION,
                                     errors=("404",),
                                     parameters=[_path("slug", "treating-lupus")]),
        "/api/side-effects": _get("Every side effect, by body system", SIDE_EFFECTS),
        "/api/side-effects/{effect}": _get("The drugs that list a side effect", SIDE_EFFECT,
                                           errors=("404",),
                                           parameters=[_path("effect", "headache")]),
        "/api/drugs": _get("Drugs and their side effects by body system", DRUGS),
        "/api/drugs/compare": _get(
            "Two drugs' side effects side by side", COMPARE, errors=("400",),
            parameters=[{"name": name, "in": "query", "required": False, "example": example,
                         "description": "A drug page's name (the end of its address)",
                         "schema": {"type": "string", "maxLength": MAX_VALUE_CHARS}}
                        for name, example in (("a", "methotrexate"), ("b", "azathioprine"))]),
        "/api/sitemap": _get("Every page, by section", SITEMAP),
        "/api/status": _get("The live index generation and its pages", STATUS),
        "/healthz": _get("Whether the site can answer", HEALTH),
        "/api/openapi.json": {"get": {"summary": "This description of the API", "parameters": [],
                                      "responses": {"200": _json("The OpenAPI document",
                                                                 {"type": "object"})}}},
    },
}
