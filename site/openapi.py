"""The JSON API's OpenAPI description (served at /api/openapi.json)."""

from __future__ import annotations


def _list(name: str, description: str) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": {"type": "array", "items": {"type": "string", "maxLength": 100}},
            "style": "form", "explode": True}


def _ok(description: str, schema: dict | None = None) -> dict:
    content = {"application/json": {"schema": schema or {"type": "object"}}}
    return {"200": {"description": description, "content": content}}


ERROR = {"description": "Bad parameters", "content": {"application/json": {"schema": {
    "type": "object", "properties": {"error": {"type": "string"}}}}}}
NOT_FOUND = {"description": "No such page", "content": {"application/json": {"schema": {
    "type": "object", "properties": {"error": {"type": "string"}}}}}}
FACET_VALUE = {"type": "object", "properties": {
    "value": {"type": "string"}, "label": {"type": "string"}, "count": {"type": "integer"},
    "selected": {"type": "boolean"}, "href": {"type": "string"}}}
RESULT = {"type": "object", "properties": {
    "title": {"type": "string"}, "url": {"type": "string"}, "link": {"type": "string"},
    "section": {"type": "string"}, "section_title": {"type": "string"},
    "snippet": {"type": "string", "description": "HTML: escaped text, matches in <mark>"},
    "score": {"type": "number"},
    "side_effects": {"type": "array", "items": {"type": "object", "properties": {
        "system": {"type": "string", "description": "Body-system key, e.g. Dermatologic"},
        "effect": {"type": "string", "description": "Effect key, lower case"},
        "system_label": {"type": "string", "description": "What people see, e.g. Skin"},
        "label": {"type": "string", "description": "The effect as pages write it"}}}}}}
SEARCH = {"type": "object", "required": ["query", "total", "results", "facets"], "properties": {
    "query": {"type": "string"}, "corrected_query": {"type": ["string", "null"]},
    "total": {"type": "integer"}, "page": {"type": "integer"}, "per_page": {"type": "integer"},
    "results": {"type": "array", "items": RESULT},
    "facets": {"type": "object", "properties": {
        name: {"type": "array", "items": FACET_VALUE} for name in ("section", "system", "effect")}},
    "notice": {"type": ["object", "null"], "properties": {
        "id": {"type": "string"}, "title": {"type": "string"}, "message": {"type": "string"}}},
    "relaxed": {"type": "boolean"}}}
SEARCH_PARAMETERS = [
    {"name": "q", "in": "query", "required": False, "description": "What to search for",
     "schema": {"type": "string"}},
    _list("section", "Section slug, e.g. treating-lupus (several widen)"),
    _list("system", "Body system, e.g. Neurologic or its label Brain and nerves (several narrow)"),
    _list("effect", "Side effect, e.g. headache (several narrow)"),
    {"name": "page", "in": "query", "required": False,
     "schema": {"type": "integer", "minimum": 1, "maximum": 50}},
    {"name": "exact", "in": "query", "required": False, "description": "1: no spelling fixes",
     "schema": {"type": "string", "enum": ["0", "1"]}},
]
PATH_PARAM = {"in": "path", "required": True, "schema": {"type": "string"}}

OPENAPI: dict = {
    "openapi": "3.0.3",
    "info": {"title": "Lupus Guide API", "version": "1",
             "description": "The data behind every page of the Lupus Guide, as JSON."},
    "paths": {
        "/api/search": {"get": {"summary": "Search the guide", "parameters": SEARCH_PARAMETERS,
                                "responses": {**_ok("Results and facets", SEARCH),
                                              "400": ERROR}}},
        "/api/suggest": {"get": {"summary": "Suggestions for what is typed so far",
                                 "parameters": [SEARCH_PARAMETERS[0]],
                                 "responses": _ok("Up to 8 suggestions")}},
        "/api/pages/{section}/{name}": {"get": {
            "summary": "One guide page", "parameters": [{"name": "section", **PATH_PARAM},
                                                        {"name": "name", **PATH_PARAM}],
            "responses": {**_ok("The page"), "404": NOT_FOUND}}},
        "/api/sections/{slug}": {"get": {"summary": "A section's pages",
                                         "parameters": [{"name": "slug", **PATH_PARAM}],
                                         "responses": {**_ok("The section"), "404": NOT_FOUND}}},
        "/api/side-effects": {"get": {"summary": "Every side effect, by body system",
                                      "responses": _ok("Side effects")}},
        "/api/side-effects/{effect}": {"get": {
            "summary": "The drugs that list a side effect",
            "parameters": [{"name": "effect", **PATH_PARAM}],
            "responses": {**_ok("Drugs"), "404": NOT_FOUND}}},
        "/api/drugs": {"get": {"summary": "Drugs by body system", "responses": _ok("Grid")}},
        "/api/status": {"get": {"summary": "Index generation, pages, built at",
                                "responses": _ok("Status")}},
        "/healthz": {"get": {"summary": "Liveness", "responses": _ok("Up")}},
    },
}
