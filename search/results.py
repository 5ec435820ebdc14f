"""Query text -> results: spelling, synonyms, ranking, relaxing, facets and snippets."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import cached_property

from whoosh import query as wq

from indexer import schema
from indexer.analysis import chain_of
from indexer.safety_file import Notice, SafetyRules
from search.best_of import BestOf
from search.facets import (
    FACETS,
    FacetCounts,
    count_facets,
    filter_mask,
    normalize_filters,
)
from search.generation import RESULTS_KEPT, Snapshot, docnums_of
from search.masks import query_mask
from search.query import ParsedQuery, parse_query
from search.safety import NoticeMatcher
from search.scores import mask_array, query_scores, top_documents
from search.snippets import (
    TEXTS_KEPT,
    Form,
    TextTokens,
    best_section,
    snippet_html,
    terms_present,
)
from search.spelling import Vocabulary
from search.synonyms import Synonyms

SYNONYM_WEIGHT = 0.8  # a synonym counts a little less than the word as typed
PREFIX_EXPANSIONS = 8  # completions of a last, unfinished word
PROXIMITY_BOOST = 2.0
APART_WEIGHT = 0.5  # a multi-word term whose words are not side by side


@dataclass
class SearchParams:
    q: str = ""
    sections: list[str] = field(default_factory=list)
    systems: list[str] = field(default_factory=list)
    effects: list[str] = field(default_factory=list)
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


@dataclass
class Group:
    """One thing the person asked for: a word or phrase with its synonyms."""

    typed: str
    alternatives: list[str]
    prefixes: list[str] = field(default_factory=list)
    phrase: bool = False


class Planner:
    """Builds Whoosh queries from parsed text, with the index's own analyzer."""

    def __init__(self, snapshot: Snapshot, synonyms: Synonyms, vocabulary: Vocabulary):
        self.snapshot = snapshot
        self.synonyms = synonyms
        self.vocabulary = vocabulary
        self.analyzer = snapshot.schema[schema.BODY].analyzer
        self.chain = chain_of(self.analyzer)  # the same analysis without token objects
        self.fields = [f for f in schema.SEARCH_FIELDS if f in snapshot.schema]

    def tokens(self, text: str) -> list[str]:
        if self.chain is not None:
            return self.chain.query_terms(text)
        return [t.text for t in self.analyzer(text)]

    def correct(self, parsed: ParsedQuery) -> dict[str, str]:
        """Corrections for words the guide and the synonyms do not know."""
        if self.known_item(parsed) is not None:
            return {}  # the words of a name ("neca" of NECA_LUPUS) need not be words
        corrections = {}
        for index, word in enumerate(parsed.words):
            last = index == len(parsed.words) - 1
            if last and parsed.ends_mid_word and self.vocabulary.completions(word, 1):
                continue  # an unfinished word, completed below
            tokens = self.tokens(word)
            if not tokens or self.indexed(tokens[0]):
                continue  # a stop word, or a word the guide has (maybe only in a page's text)
            fixed = self.vocabulary.correct(word)
            if fixed:
                corrections[word] = fixed
        return corrections

    def indexed(self, term: str) -> bool:
        return any(self._has(f, term) for f in self.fields)

    def groups(self, parsed: ParsedQuery) -> list[Group]:
        words = parsed.words
        if (name := self.known_item(parsed)) is not None:  # "mod_rewrite", "anti-dsDNA"
            typed = " ".join(name.split(schema.IDENTIFIER_JOINER))
            return [Group(typed, [typed, name, *self.synonyms.alternatives(typed)[1:]])]
        groups: list[Group] = []
        index = 0
        while index < len(words):
            size = self.synonyms.match_at(words, index) or 1
            term = " ".join(words[index : index + size])
            group = Group(term, self.synonyms.alternatives(term))
            last = index + size == len(words)
            tokens = self.tokens(term)
            if last and size == 1 and parsed.ends_mid_word and term not in self.synonyms.by_term \
                    and (not (tokens and self.indexed(tokens[0])) or len(term) < 4):
                # An unfinished word: the guide's words that start with it ("sle" is a word
                # of its own, lupus, not the start of "sleep").
                group.prefixes = [
                    w for w in self.vocabulary.completions(term, PREFIX_EXPANSIONS) if w != term
                ]
            if tokens or group.prefixes or len(group.alternatives) > 1:
                groups.append(group)
            index += size
        groups.extend(Group(" ".join(p), [" ".join(p)], phrase=True) for p in parsed.phrases)
        return groups

    def known_item(self, parsed: ParsedQuery) -> str | None:
        """The words typed (two or more), joined back into a name a page's title, headings
        or keywords hold ("mod_rewrite", "anti-dsDNA"), when they are one; also
        "--some-option", which parses as words to exclude."""
        words = parsed.words or parsed.excluded
        if len(words) < 2 or parsed.phrases:
            return None
        name = schema.IDENTIFIER_JOINER.join(words)
        return name if self._name_term(name) else None

    def _name_term(self, name: str) -> str | None:
        tokens = self.tokens(name)
        if len(tokens) != 1 or schema.IDENTIFIERS not in self.snapshot.schema:
            return None
        return tokens[0] if self._has(schema.IDENTIFIERS, tokens[0]) else None

    def text_query(self, text: str, boost: float = 1.0, *, typed: bool = True,
                   apart: bool = True) -> wq.Query | None:
        """The text in any search field; several words side by side (in the body only for
        what was typed, not for a synonym) or, when `apart`, anywhere in the field for less."""
        tokens = self.tokens(text)
        if not tokens:
            return None
        if len(tokens) == 1:
            return _any_of(self._terms(tokens[0], boost))
        side_by_side = []
        for f in self.fields:
            weight = schema.FIELD_BOOSTS[f] * boost
            if f in schema.PAIRED_FIELDS:
                side_by_side.append(self._pairs(f, tokens, weight))
            elif typed and all(self._has(f, t) for t in tokens):
                # position matching in the body only for what was typed
                side_by_side.append(wq.Phrase(f, tokens, slop=1, boost=weight))
        phrase = _any_of([q for q in side_by_side if q is not wq.NullQuery])
        if not (typed and apart):
            return phrase
        # The words apart count too ("salt" and "diet" far from each other), for less.
        each = [_any_of(self._terms(t, boost * APART_WEIGHT)) for t in tokens]
        words_apart = wq.NullQuery if wq.NullQuery in each else wq.And(each)
        return _any_of([q for q in (phrase, words_apart) if q is not wq.NullQuery], BestOf)

    def _has(self, fieldname: str, term: str) -> bool:
        return self.snapshot.term_scores.has(fieldname, term)

    def _terms(self, term: str, boost: float) -> list[wq.Query]:
        """The term in each search field that has it (building matchers for terms that are
        not there is most of a query's cost on a small guide); a name joined back from the
        words typed (`known_item`) is looked for among names too."""
        fields = self.fields
        if schema.IDENTIFIER_JOINER in term and schema.IDENTIFIERS in self.snapshot.schema:
            fields = [*fields, schema.IDENTIFIERS]
        return [wq.Term(f, term, boost=schema.FIELD_BOOSTS.get(f, 1.0) * boost)
                for f in fields if self._has(f, term)]

    def _pairs(self, fieldname: str, tokens: list[str], boost: float) -> wq.Query:
        """Words side by side, as the index's pair terms (no position matching)."""
        pairs = schema.pair_terms(tokens)
        if not all(self._has(fieldname, pair) for pair in pairs):
            return wq.NullQuery
        terms = [wq.Term(fieldname, pair, boost=boost) for pair in pairs]
        return terms[0] if len(terms) == 1 else wq.And(terms)

    def group_query(self, group: Group) -> wq.Query | None:
        parts: list[wq.Query] = []
        for position, alternative in enumerate(group.alternatives):
            part = (self.text_query(alternative, apart=not group.phrase) if position == 0
                    else self.text_query(alternative, SYNONYM_WEIGHT, typed=False))
            if part is not None:
                parts.append(part)
        for completion in group.prefixes:
            part = self.text_query(completion, SYNONYM_WEIGHT)
            if part is not None:
                parts.append(part)
        if not parts:
            return None
        parts = [p for p in parts if p is not wq.NullQuery]
        if not parts:
            return wq.NullQuery  # words the guide does not have: the group matches nothing
        # A group counts once, by its best form: many forms must not outweigh one match.
        return parts[0] if len(parts) == 1 else BestOf(parts)

    def proximity(self, groups: list[Group]) -> wq.Query | None:
        """A bonus where the typed words stand together, in the title or the text; a big
        one where all of them make a name the page's title, headings or keywords hold."""
        typed = [g.typed for g in groups if not g.phrase]
        name = self._name_term(schema.IDENTIFIER_JOINER.join(" ".join(typed).split()))
        bonus = [wq.Term(schema.IDENTIFIERS, name, boost=schema.KNOWN_ITEM_BOOST)] if name else []
        tokens = [t for text in typed for t in self.tokens(text)]
        bonus += [wq.Term(f, pair, boost=PROXIMITY_BOOST)
                  for f in (schema.TITLE, schema.HEADINGS) for pair in schema.pair_terms(tokens)
                  if self._has(f, pair)]
        return _any_of(bonus) if bonus else None

    def group_forms(self, groups: list[Group]) -> list[list[Form]]:
        """Each group's forms as indexed terms: ("headach",), ("head", "pain"), ..."""
        forms = []
        for group in groups:
            texts = group.alternatives + group.prefixes
            forms.append([f for f in (tuple(self.tokens(t)) for t in texts) if f])
        return forms

    def excluded(self, parsed: ParsedQuery) -> wq.Query | None:
        if not parsed.words and self.known_item(parsed) is not None:
            return None  # "--some-option" is the name looked for, not words to exclude
        parts = [q for q in (self.text_query(w) for w in parsed.excluded) if q is not None]
        return wq.Or(parts) if parts else None


class SearchContext:
    """Everything a search needs from the live generation and the editors' files."""

    def __init__(self, snapshot: Snapshot, synonyms: Synonyms, notices: SafetyRules):
        self.snapshot = snapshot
        self.synonyms = synonyms
        self.notices = notices

    @cached_property
    def notice_matcher(self) -> NoticeMatcher:
        return NoticeMatcher(self.notices, self.vocabulary.known)

    @cached_property
    def vocabulary(self) -> Vocabulary:
        snapshot = self.snapshot
        words = dict(snapshot.vocabulary)
        for effect, mask in snapshot.effect_masks.items():
            for word in effect.split():
                words[word] = max(words.get(word, 0), mask.bit_count())
        for word in self.synonyms.words:
            words[word] = words.get(word, 0) + 2  # editors' terms are worth proposing
        return Vocabulary(words)

    @cached_property
    def planner(self) -> Planner:
        return Planner(self.snapshot, self.synonyms, self.vocabulary)

    def warm(self, seconds: float) -> int:
        """Get what every search needs ready before the first one: the facet sets, the
        spelling vocabulary, the most used terms' scores and, when the whole guide fits
        in the results' caches, every page's snippet texts (within `seconds`)."""
        deadline = time.monotonic() + seconds
        snapshot = self.snapshot
        _ = (snapshot.section_masks, snapshot.system_masks, snapshot.effect_masks,
             snapshot.all_mask, self.planner)
        done = snapshot.term_scores.warm(self.planner.fields, seconds)
        self._warm_results(deadline)
        return done

    def _warm_results(self, deadline: float) -> None:
        """Each page's stored fields, section terms and snippet places, read once now
        rather than by the first searches that find the page (small guides only: on a big
        one, which pages come first cannot be known)."""
        snapshot = self.snapshot
        docnums = sorted(docnums_of(snapshot.all_mask))
        if len(docnums) > RESULTS_KEPT:
            return
        texts = 0
        for docnum in docnums:
            fields, sections, _ = snapshot.result_fields(docnum)
            texts += len(sections) + 1
            if texts > TEXTS_KEPT or time.monotonic() > deadline:
                return
            for _, heading, text in sections:
                self.text_tokens.terms(heading)
                self.text_tokens.terms(text)
            self.text_tokens.terms(fields.get(schema.DESCRIPTION, ""))

    @cached_property
    def text_tokens(self) -> TextTokens:
        planner = self.planner
        if planner.chain is not None:
            return TextTokens(planner.chain.spans)
        return TextTokens(lambda text: [(t.text, t.startchar, t.endchar) for t in
                                        planner.analyzer(text, chars=True, mode="query")])


def pinned_pages(snapshot: Snapshot, notice: Notice) -> list[PinnedPage]:
    """The notice's pages that are in the guide, each with its section's heading."""
    found = []
    for address in notice.pages:
        url, _, anchor = address.partition("#")
        page = snapshot.page_by_url(url)
        if page is None:
            continue  # `lupus-guide check` reports it; the notice still shows
        _, sections, _ = snapshot.result_fields(page["docnum"])
        heading = next((h for a, h, _ in sections if anchor and a == anchor), "")
        found.append(PinnedPage(page[schema.TITLE], address if heading else url, heading))
    return found


def _matching(snapshot: Snapshot, q: wq.Query) -> int:
    return query_mask(q, snapshot.masks, snapshot.all_mask)


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
    snapshot = context.snapshot
    parsed = parse_query(params.q, max_chars)
    if not params.typing:
        parsed.ends_mid_word = False  # a sent search means whole words
    filters = normalize_filters(snapshot, {
        "sections": params.sections + parsed.filters.get("sections", []),
        "systems": params.systems + parsed.filters.get("systems", []),
        "effects": params.effects + parsed.filters.get("effects", []),
    })
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
    pinned = pinned_pages(snapshot, notice) if notice else []
    if notice is not None and notice.only_pinned:
        # A crisis: the help and its pages, nothing a stray word happened to match.
        return SearchResult(params=params, query=typed, corrected_query=None, total=0,
                            hits=[], facets={name: [] for name in FACETS}, notice=notice,
                            pinned=pinned, truncated=parsed.truncated, per_page=per_page)
    groups, group_queries = _plan(context, parsed)
    excluded = context.planner.excluded(parsed)
    fmask = filter_mask(snapshot, filters)
    # Decided on the whole guide, never on the facet choices: a facet's count is then the
    # total its choice gives (choosing narrows, it never switches to another kind of match).
    found = _match_set(snapshot, [q for _, q in group_queries], excluded, filters)
    missing_words = [group_queries[i][0].typed for i in sorted(found.missing)]
    facets = count_facets(snapshot, found.mask, filters)
    total = (found.mask & fmask).bit_count()
    group_forms = context.planner.group_forms(groups)
    proximity = context.planner.proximity(groups)
    page = max(1, params.page)
    hits = [
        _hit(snapshot, hit, group_forms, context.text_tokens)
        for hit in _page_of_hits(snapshot, found, fmask, proximity, page, per_page)
    ]
    return SearchResult(
        params=params,
        query=typed,
        corrected_query=corrected_query,
        total=total,
        hits=hits,
        facets=facets,
        notice=notice,
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


def _match_set(snapshot: Snapshot, queries: list[wq.Query], excluded: wq.Query | None,
               filters: dict[str, list[str]]) -> MatchSet:
    """Pages with every word; only when no page of the guide has them all, pages with some
    of them (never the site's own pages, which a stray word would bring in)."""

    def without_excluded(q: wq.Query) -> wq.Query:
        return wq.AndNot(q, excluded) if excluded is not None else q

    if not queries:
        if excluded is None and not any(filters.values()):
            return MatchSet(None, 0)
        every = without_excluded(wq.Every())
        return MatchSet(every, _matching(snapshot, every))
    every_word = without_excluded(wq.And(queries) if len(queries) > 1 else queries[0])
    all_mask = _matching(snapshot, every_word)
    if all_mask:
        return MatchSet(every_word, all_mask)
    masks = [_matching(snapshot, q) for q in queries]
    missing = {i for i, m in enumerate(masks) if not m}
    useful = [q for q, m in zip(queries, masks, strict=True) if m]
    if len(queries) < 2 or not useful:
        return MatchSet(every_word, 0, missing=missing)
    some = without_excluded(wq.Or(useful) if len(useful) > 1 else useful[0])
    mask = _matching(snapshot, some) & ~snapshot.site_pages_mask
    return MatchSet(some, mask, relaxed=bool(mask), missing=missing)


def _page_of_hits(snapshot: Snapshot, found: MatchSet, fmask: int,
                  proximity: wq.Query | None, page: int, per_page: int
                  ) -> list[tuple[int, float]]:
    """(document, score) of the hits for one results page; facet choices only narrow the
    documents (they do not change a score)."""
    allowed_mask = found.mask & fmask
    offset = (page - 1) * per_page
    if found.query is None or offset >= allowed_mask.bit_count():
        return []
    terms = snapshot.term_scores
    ranked = wq.AndMaybe(found.query, proximity) if proximity is not None else found.query
    allowed = mask_array(allowed_mask, terms.size)
    return top_documents(query_scores(ranked, terms), allowed, offset + per_page)[offset:]


def _any_of(parts: list[wq.Query], kind=wq.Or) -> wq.Query:
    """One query for any of the parts; NullQuery for none."""
    if not parts:
        return wq.NullQuery
    return parts[0] if len(parts) == 1 else kind(parts)


def _landing_words(groups: list[Group], planner: Planner, limit: int = 20) -> list[str]:
    """Words to mark on the page a result leads to: as typed first, then synonyms; only
    single words (the "pain" of "head pain" alone would mark every pain) and no stop words."""
    words = [g.typed for g in groups if " " not in g.typed]
    words += [a for g in groups for a in g.alternatives[1:] + g.prefixes if " " not in a]
    return [w for w in dict.fromkeys(words) if planner.tokens(w)][:limit]


def _hit(snapshot: Snapshot, hit: tuple[int, float], group_forms: list[list[Form]],
         tokens: TextTokens) -> Hit:
    docnum, score = hit
    fields, sections, pairs = snapshot.result_fields(docnum)
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
