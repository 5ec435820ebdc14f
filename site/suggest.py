"""Suggestions as you type: the best pages for what is typed so far, then side effects and
editors' terms that complete it."""

from __future__ import annotations

from urllib.parse import urlencode

from whoosh import query as wq
from whoosh.support.charset import accent_map

from guide_site.live_index import Snapshot
from guide_site.query import clean_text
from guide_site.search import SearchContext, SearchParams, search
from guide_site.synonyms import words_of
from indexer import schema

LIMIT = 8
PAGES = 4


def _completes(candidate: str, words: list[str]) -> bool:
    """Every typed word starts a word of the candidate; the last may be unfinished."""
    have = words_of(candidate)
    return all(any(h.startswith(w) for h in have) for w in words)


def _titles_completing(snapshot: Snapshot, words: list[str]) -> list[dict]:
    """Pages whose title has a word starting with each typed word, shortest title first."""
    if schema.TITLE_WORDS not in snapshot.schema:  # an index built before the field existed
        return []
    query = wq.And([wq.Prefix(schema.TITLE_WORDS, w.translate(accent_map)) for w in words])
    results = snapshot.searcher.search(query, limit=PAGES * 4)
    pages = [snapshot.page_at(hit.docnum) for hit in results]
    pages.sort(key=lambda p: (len(p[schema.TITLE]), p[schema.TITLE]))
    return pages[:PAGES]


def suggestions(context: SearchContext, q: str, max_chars: int = 300) -> list[dict]:
    text, _ = clean_text(q, max_chars)
    words = words_of(text)
    if not words:
        return []
    found: list[dict] = []
    seen: set[str] = set()

    def add(label: str, kind: str, url: str, detail: str = "") -> None:
        if label.casefold() not in seen and len(found) < LIMIT:
            seen.add(label.casefold())
            found.append({"text": label, "kind": kind, "url": url, "detail": detail})

    snapshot = context.snapshot
    for page in _titles_completing(snapshot, words):
        add(page[schema.TITLE], "page", page[schema.URL], page[schema.SECTION_TITLE])
    result = search(context, SearchParams(q=text), per_page=PAGES, max_chars=max_chars)
    for hit in result.hits:
        add(hit.title, "page", hit.url, hit.section_title)
    for effect, mask in sorted(snapshot.effect_masks.items(), key=lambda e: -e[1].bit_count()):
        if _completes(effect, words):
            add(effect.capitalize(), "side effect", "/side-effects/" + "-".join(effect.split()),
                f"{mask.bit_count()} drugs")
    for term in sorted(context.synonyms.by_term, key=len):
        if _completes(term, words):
            add(term, "search", "/search?" + urlencode({"q": term}))
    return found
