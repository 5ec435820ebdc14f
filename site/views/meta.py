"""Views about the site itself: sitemap, robots.txt, OpenSearch, health, status, OpenAPI."""

from __future__ import annotations

from xml.sax.saxutils import escape as xml_escape

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from guide_site.openapi import OPENAPI
from guide_site.state import app_state
from guide_site.views.common import TEMPLATES, by_listing_order, html_and_json, json_response
from indexer import generations, schema
from indexer.sections import SECTIONS

# The site's own views a sitemap lists (not /search: robots.txt keeps crawlers off it).
SITEMAP_VIEWS = ("/", "/sections", "/side-effects", "/drugs", "/drugs/compare", "/sitemap")


def sitemap_data(request: Request) -> dict:
    every_page = app_state(request).generation().all_pages()
    groups = []
    for slug, title in [*SECTIONS.items(), ("", "About this site")]:
        pages = [{"title": p[schema.TITLE], "url": p[schema.URL]}
                 for p in by_listing_order([p for p in every_page if p[schema.SECTION] == slug])]
        if pages:
            groups.append({"slug": slug, "title": title, "pages": pages})
    return {"groups": groups}


sitemap, sitemap_api = html_and_json(sitemap_data, "sitemap.html", lambda r, d: "/api/sitemap")


async def sitemap_xml(request: Request) -> Response:
    base = str(request.base_url).rstrip("/")
    pages = await app_state(request).run(lambda r: app_state(r).generation().all_pages(),
                                         request)
    urls = list(SITEMAP_VIEWS)
    urls += [f"/sections/{slug}" for slug in SECTIONS]
    urls += [p[schema.URL] for p in pages]
    body = "".join(f"<url><loc>{xml_escape(base + u)}</loc></url>" for u in urls)
    xml = ('<?xml version="1.0" encoding="UTF-8"?>\n'
           f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{body}</urlset>\n')
    return Response(xml, media_type="application/xml")


async def robots(request: Request) -> Response:
    base = str(request.base_url).rstrip("/")
    return PlainTextResponse(
        f"User-agent: *\nDisallow: /api/\nDisallow: /search\nDisallow: /admin/\n"
        f"Disallow: /feedback\nSitemap: {base}/sitemap.xml\n"
    )


async def opensearch(request: Request) -> Response:
    base = str(request.base_url).rstrip("/")
    body = TEMPLATES.get_template("opensearch.xml").render(base=base)
    return Response(body, media_type="application/opensearchdescription+xml")


def status_data(request: Request) -> dict:
    generation = app_state(request).generation()
    return {
        "generation": generation.number,
        "pages": generation.searcher.doc_count(),
        "built_at": generation.manifest.get("built_at"),
        "sections": {slug: generation.section_masks.get(slug, 0).bit_count() for slug in SECTIONS},
    }


async def status_api(request: Request) -> Response:
    return json_response(await app_state(request).run(status_data, request))


async def healthz(request: Request) -> Response:
    try:
        generation = app_state(request).guide.current()  # no search work: on the loop
    except generations.NoIndex as error:
        return json_response({"ok": False, "error": str(error)}, status=503)
    return json_response({"ok": True, "generation": generation.number})


async def favicon(request: Request) -> Response:
    return RedirectResponse("/static/favicon.svg", status_code=301)


async def openapi(request: Request) -> Response:
    return json_response(OPENAPI)
