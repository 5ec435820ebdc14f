"""Query text -> results: spelling, synonyms, ranking, relaxing, facets and snippets."""

from __future__ import annotations

from dataclasses import dataclass, field

from whoosh import query as wq

from indexer import schema
from indexer.safety_file import Notice
from search.context import SearchContext
from search.evaluate import query_mask, query_scores
from search.facets import FacetCounts, count_facets, filter_mask
from search.filters import FACETS, Filters
from search.generation import Generation
from search.planner import Group, Planner
from search.query import ParsedQuery, parse_query
from search.scores import mask_array, top_documents
from search.snippets import Form, TextTokens, best_section, snippet_html, terms_present


@dataclass
class SearchParams:
    q: str = ""
    filters: Filters = field(default_factory=Filters)
    page: int = 1
    exact: bool = False  # search for the words as typed, without spelling correction
    typing: bool = False  # still being typed: the last word may be completed


@dataclass
class Hit:
    title: str
    url: str
    anchor: str
    heading: str
    section: str
    section_title: str
    snippet: str  # HTML: escaped text with <mark> around matches
    score: float
    side_effects: list[dict]


@dataclass(frozen=True)
class PinnedPage:
    """A page an urgent notice points to, at the section that helps."""

    title: str
    url: str  # with the section's anchor
    heading: str

    def as_dict(self) -> dict:
        return {"title": self.title, "url": self.url, "heading": self.heading}


@dataclass
class SearchResult:
    params: SearchParams
    query: str  # as typed, cleaned
    corrected_query: str | None
    total: int
    hits: list[Hit]
    facets: FacetCounts
    notice: Notice | None
    filters: Filters = field(default_factory=Filters)  # chosen, query syntax included
    pinned: list[PinnedPage] = field(default_factory=list)  # the notice's pages, shown first
    relaxed: bool = False
    missing_words: list[str] = field(default_factory=list)
    highlight_terms: list[str] = field(default_factory=list)
    forms: list[list[Form]] = field(default_factory=list)  # each group's indexed terms
    truncated: bool = False

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // max(1, self.per_page)))

    per_page: int = 10


def pinned_pages(generation: Generation, notice: Notice) -> list[PinnedPage]:
    """The notice's pages that are in the guide, each with its section's heading."""
    found = []
    for address in notice.pages:
        url, _, anchor = address.partition("#")
        docnum = generation.docnum_by_url(url)
        if docnum is None:
            continue  # `lupus-guide check` reports it; the notice still shows
        # One read of the page, and that one cached: a notice's pages show on every search.
        fields, sections, _ = generation.result_fields(docnum)
        heading = next((h for a, h, _ in sections if anchor and a == anchor), "")
        title = fields.get(schema.TITLE, "")
        found.append(PinnedPage(title, address if heading else url, heading))
    return found


def _apply_corrections(parsed: ParsedQuery, corrections: dict[str, str]) -> ParsedQuery:
    return ParsedQuery(
        words=[corrections.get(w, w) for w in parsed.words],
        phrases=parsed.phrases,
        excluded=parsed.excluded,
        filters=parsed.filters,
        ends_mid_word=parsed.ends_mid_word,
        truncated=parsed.truncated,
    )


def _plan(context: SearchContext, parsed: ParsedQuery):
    planner = context.planner
    groups = planner.groups(parsed)
    group_queries = [(g, planner.group_query(g)) for g in groups]
    group_queries = [(g, q) for g, q in group_queries if q is not None]
    return groups, group_queries


def search(context: SearchContext, params: SearchParams, *, per_page: int = 10,
           max_chars: int = 300) -> SearchResult:
    generation = context.generation
    parsed = parse_query(params.q, max_chars)
    if not params.typing:
        parsed.ends_mid_word = False  # a sent search means whole words
    filters = params.filters.merged(Filters.of(parsed.filters))
    typed = " ".join(parsed.words + [f'"{" ".join(p)}"' for p in parsed.phrases])
    corrected_query = None
    if not params.exact:
        corrections = context.planner.correct(parsed)
        if corrections:
            parsed = _apply_corrections(parsed, corrections)
            corrected_query = " ".join(
                parsed.words + [f'"{" ".join(p)}"' for p in parsed.phrases]
            )
    # Urgent help is matched on what was typed and on what it was corrected to.
    match = context.notice_matcher.match(params.q[:max_chars], corrected_query or "")
    notice = match.notice if match else None
    pinned = pinned_pages(generation, notice) if notice else []
    if notice is not None and notice.only_pinned:
        # A crisis: the help and its pages, nothing a stray word happened to match.
        return SearchResult(params=params, query=typed, corrected_query=None, total=0,
                            hits=[], facets={name: [] for name in FACETS}, notice=notice,
                            filters=filters, pinned=pinned, truncated=parsed.truncated,
                            per_page=per_page)
    groups, group_queries = _plan(context, parsed)
    excluded = context.planner.excluded(parsed)
    fmask = filter_mask(generation, filters)
    # Decided on the whole guide, never on the facet choices: a facet's count is then the
    # total its choice gives (choosing narrows, it never switches to another kind of match).
    found = _match_set(generation, [q for _, q in group_queries], excluded, filters)
    missing_words = [group_queries[i][0].typed for i in sorted(found.missing)]
    allowed = found.mask & fmask
    total = allowed.bit_count()
    facets = count_facets(generation, found.mask, filters, allowed)
    group_forms = context.planner.group_forms(groups)
    proximity = context.planner.proximity(groups)
    page = max(1, params.page)
    hits = [
        _hit(generation, hit, group_forms, context.text_tokens)
        for hit in _page_of_hits(generation, found.query, allowed, total, proximity, page,
                                 per_page)
    ]
    return SearchResult(
        params=params,
        query=typed,
        corrected_query=corrected_query,
        total=total,
        hits=hits,
        facets=facets,
        notice=notice,
        filters=filters,
        pinned=pinned,
        relaxed=found.relaxed,
        missing_words=missing_words,
        highlight_terms=_landing_words(groups, context.planner),
        forms=group_forms,
        truncated=parsed.truncated,
        per_page=per_page,
    )


@dataclass
class MatchSet:
    """The pages a search matches (before facet choices) and the query that ranks them."""

    query: wq.Query | None
    mask: int
    relaxed: bool = False  # no page has every word: these pages have some of them
    missing: set[int] = field(default_factory=set)  # groups that no page has


def _match_set(generation: Generation, queries: list[wq.Query], excluded: wq.Query | None,
               filters: Filters) -> MatchSet:
    """Pages with every word; only when no page of the guide has them all, pages with some
    of them (never the site's own pages, which a stray word would bring in)."""

    def without_excluded(q: wq.Query) -> wq.Query:
        return wq.AndNot(q, excluded) if excluded is not None else q

    if not queries:
        if excluded is None and not filters:
            return MatchSet(None, 0)
        every = without_excluded(wq.Every())
        return MatchSet(every, query_mask(every, generation.masks))
    every_word = without_excluded(wq.And(queries) if len(queries) > 1 else queries[0])
    all_mask = query_mask(every_word, generation.masks)
    if all_mask:
        return MatchSet(every_word, all_mask)
    masks = [query_mask(q, generation.masks) for q in queries]
    missing = {i for i, m in enumerate(masks) if not m}
    useful = [q for q, m in zip(queries, masks, strict=True) if m]
    if len(queries) < 2 or not useful:
        return MatchSet(every_word, 0, missing=missing)
    some = without_excluded(wq.Or(useful) if len(useful) > 1 else useful[0])
    mask = query_mask(some, generation.masks) & ~generation.site_pages_mask
    return MatchSet(some, mask, relaxed=bool(mask), missing=missing)


def _page_of_hits(generation: Generation, query: wq.Query | None, allowed_mask: int,
                  total: int, proximity: wq.Query | None, page: int, per_page: int
                  ) -> list[tuple[int, float]]:
    """(document, score) of the hits for one results page among the `total` pages of
    `allowed_mask` (the matches the facet choices allow: they narrow, never change a
    score)."""
    offset = (page - 1) * per_page
    if query is None or offset >= total:
        return []
    terms = generation.term_scores
    ranked = wq.AndMaybe(query, proximity) if proximity is not None else query
    allowed = mask_array(allowed_mask, terms.size)
    return top_documents(query_scores(ranked, terms), allowed, offset + per_page)[offset:]


def _landing_words(groups: list[Group], planner: Planner, limit: int = 20) -> list[str]:
    """Words to mark on the page a result leads to: as typed first, then synonyms; only
    single words (the "pain" of "head pain" alone would mark every pain) and no stop words."""
    words = [g.typed for g in groups if " " not in g.typed]
    words += [a for g in groups for a in g.alternatives[1:] + g.prefixes if " " not in a]
    return [w for w in dict.fromkeys(words) if planner.tokens(w)][:limit]


def _hit(generation: Generation, hit: tuple[int, float], group_forms: list[list[Form]],
         tokens: TextTokens) -> Hit:
    docnum, score = hit
    fields, sections, pairs = generation.result_fields(docnum)
    anchor, heading, text = best_section(sections, group_forms, tokens, fields[schema.TITLE])
    description = fields.get(schema.DESCRIPTION, "")
    snippet = snippet_html(text, terms_present(text, group_forms, tokens), tokens) or (
        snippet_html(description, terms_present(description, group_forms, tokens), tokens,
                     whole=True)
    )
    return Hit(
        title=fields[schema.TITLE],
        url=fields[schema.URL],
        anchor=anchor,
        heading=heading,
        section=fields.get(schema.SECTION, ""),
        section_title=fields.get(schema.SECTION_TITLE, ""),
        snippet=snippet,
        score=round(score, 4),
        side_effects=[{"system": s, "effect": e} for s, e in pairs],
    )
