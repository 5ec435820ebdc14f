"""Suggestions as you type: the best pages for what is typed so far, then side effects and
editors' terms that complete it."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from whoosh import query as wq
from whoosh.support.charset import accent_map

from indexer import schema
from search.generation import Generation
from search.query import clean_text
from search.results import Hit, SearchContext, SearchParams, SearchResult, search
from search.snippets import Form, TextTokens
from search.synonyms import words_of
from search.wording import counted, effect_slug

LIMIT = 8
PAGES = 4


def _completes(have: list[str], words: list[str]) -> bool:
    """Every typed word starts one of a candidate's words; the last may be unfinished."""
    return all(any(h.startswith(w) for h in have) for w in words)


def _titles_completing(generation: Generation, words: list[str]) -> list[dict]:
    """Pages whose title has a word starting with each typed word, shortest title first."""
    if schema.TITLE_WORDS not in generation.schema:  # an index built before the field existed
        return []
    query = wq.And([wq.Prefix(schema.TITLE_WORDS, w.translate(accent_map)) for w in words])
    results = generation.searcher.search(query, limit=PAGES * 4)
    pages = [generation.page_at(hit.docnum) for hit in results]
    pages.sort(key=lambda p: (len(p[schema.TITLE]), p[schema.TITLE]))
    return pages[:PAGES]


@dataclass
class Suggestions:
    items: list[dict] = field(default_factory=list)
    result: SearchResult | None = None  # the search behind them (its notice, if any)


def _lands_on_section(hit: Hit, forms: list[list[Form]], tokens: TextTokens) -> bool:
    """Whether the hit's best section answers words its page title does not ("plaquenil
    eye exam": Hydroxychloroquine (Plaquenil) › Eye Exams): then the suggestion opens it."""
    if not hit.anchor or not hit.heading:
        return False
    in_heading, in_title = tokens.terms(hit.heading), tokens.terms(hit.title)
    return any(any(set(form) <= in_heading for form in group)
               and not any(set(form) <= in_title for form in group)
               for group in forms)


def suggestions(context: SearchContext, q: str, max_chars: int = 300) -> Suggestions:
    """What to offer for the words typed so far. An urgent notice comes first, as a row that
    opens its first page; under a crisis notice, only its pages follow."""
    text, _ = clean_text(q, max_chars)
    words = words_of(text)
    if not words:
        return Suggestions()
    found: list[dict] = []
    seen: set[str] = set()

    def add(label: str, kind: str, url: str, detail: str = "") -> None:
        if label.casefold() not in seen and len(found) < LIMIT:
            seen.add(label.casefold())
            found.append({"text": label, "kind": kind, "url": url, "detail": detail})

    generation = context.generation
    result = search(context, SearchParams(q=text, typing=True), per_page=PAGES,
                    max_chars=max_chars)
    notice = result.notice
    if notice is not None:
        # The notice itself is the first row; it opens the page that helps most.
        first = result.pinned[0] if result.pinned else None
        add(notice.title, "help", first.url if first else "/search?" + urlencode({"q": text}),
            first.title if first else "")
        for pinned in result.pinned[1:]:
            add(pinned.title if not pinned.heading else f"{pinned.title} › {pinned.heading}",
                "page", pinned.url)
        if notice.only_pinned:
            return Suggestions(found, result)
    completing = [(page[schema.TITLE], "page", page[schema.URL], page[schema.SECTION_TITLE])
                  for page in _titles_completing(generation, words)]
    best = [(f"{hit.title} › {hit.heading}", "section", f"{hit.url}#{hit.anchor}",
             hit.section_title) if _lands_on_section(hit, result.forms, context.text_tokens)
            else (hit.title, "page", hit.url, hit.section_title) for hit in result.hits]
    # "sle" is a whole word (lupus) before it is the start of "sleep": what it finds comes
    # before titles it starts.
    last = words[-1]
    tokens = context.planner.tokens(last)
    finished = last in context.synonyms.by_term or bool(tokens and context.planner.indexed(
        tokens[0]))
    for row in (best + completing) if finished else (completing + best):
        add(*row)
    for effect, drugs, have in generation.effects_by_reach:
        if _completes(have, words):
            add(generation.effect_label(effect), "side effect",
                "/side-effects/" + effect_slug(effect), counted(drugs, "drug"))
    for term, have in context.synonym_terms:
        if _completes(have, words):
            add(term, "search", "/search?" + urlencode({"q": term}))
    return Suggestions(found, result)
