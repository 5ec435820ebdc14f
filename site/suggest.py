"""Suggestions as you type: the best pages for what is typed so far, then side effects and
editors' terms that complete it."""

from __future__ import annotations

from urllib.parse import urlencode

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
    for page in snapshot.pages:
        if _completes(page[schema.TITLE], words):
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
