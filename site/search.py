"""Query text -> results: spelling, synonyms, ranking, relaxing, facets and snippets."""

from __future__ import annotations

import bisect
import time
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from whoosh import query as wq
from whoosh.spelling import ListCorrector

from guide_site.best_of import BestOf
from guide_site.facets import (
    FacetCounts,
    count_facets,
    filter_mask,
    normalize_filters,
)
from guide_site.live_index import RESULTS_KEPT, Snapshot, docnums_of
from guide_site.masks import query_mask
from guide_site.query import ParsedQuery, parse_query
from guide_site.ranking import mask_array, query_scores, top_documents
from guide_site.safety import Notice, notice_for
from guide_site.snippets import (
    TEXTS_KEPT,
    Form,
    TextTokens,
    best_section,
    snippet_html,
    terms_present,
)
from guide_site.synonyms import Synonyms
from indexer import schema
from indexer.analysis import chain_of

SYNONYM_WEIGHT = 0.8  # a synonym counts a little less than the word as typed
PREFIX_EXPANSIONS = 8  # completions of a last, unfinished word
PROXIMITY_BOOST = 2.0
MIN_CORRECT = 4  # shorter words are left alone (too many near neighbours)
APART_WEIGHT = 0.5  # a multi-word term whose words are not side by side
RELAX_BELOW = 3  # with fewer pages that have every word, add pages that have some


@dataclass
class SearchParams:
    q: str = ""
    sections: list[str] = field(default_factory=list)
    systems: list[str] = field(default_factory=list)
    effects: list[str] = field(default_factory=list)
    page: int = 1
    exact: bool = False  # search for the words as typed, without spelling correction


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


@dataclass
class SearchResult:
    params: SearchParams
    query: str  # as typed, cleaned
    corrected_query: str | None
    total: int
    hits: list[Hit]
    facets: FacetCounts
    notice: Notice | None
    relaxed: bool = False
    missing_words: list[str] = field(default_factory=list)
    highlight_terms: list[str] = field(default_factory=list)
    truncated: bool = False

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // max(1, self.per_page)))

    per_page: int = 10


class Vocabulary:
    """The guide's own words plus the synonyms', for "did you mean" and completions."""

    def __init__(self, snapshot: Snapshot, synonyms: Synonyms) -> None:
        words = dict(snapshot.vocabulary)
        for effect, mask in snapshot.effect_masks.items():
            for word in effect.split():
                words[word] = max(words.get(word, 0), mask.bit_count())
        for word in synonyms.words:
            words[word] = words.get(word, 0) + 2  # editors' terms are worth proposing
        self.counts = words
        self.sorted = sorted(words)
        self.corrector = ListCorrector(self.sorted)
        # The same misspellings come back ("plaquinel"); a long word costs milliseconds.
        self.correct = lru_cache(maxsize=4096)(self._correct)

    def __contains__(self, word: str) -> bool:
        return word in self.counts

    def completions(self, prefix: str, limit: int) -> list[str]:
        start = bisect.bisect_left(self.sorted, prefix)
        found = []
        for word in self.sorted[start:]:
            if not word.startswith(prefix):
                break
            found.append(word)
        found.sort(key=lambda w: (-self.counts[w], len(w), w))
        return found[:limit]

    def _correct(self, word: str) -> str | None:
        """The likeliest intended word: fewest edits, then most common in the guide."""
        if len(word) < MIN_CORRECT or word in self.counts or not word.isalpha():
            return None
        maxdist = 1 if len(word) < 8 else 2
        candidates = [w for _, w in self.corrector._suggestions(word, maxdist, 1) if w != word]
        if not candidates:
            return None
        return min(candidates, key=lambda w: (edit_distance(word, w), -self.counts.get(w, 0), w))


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance with adjacent swaps counted as one edit."""
    previous2: list[int] | None = None
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if previous2 is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cost = min(cost, previous2[j - 2] + 1)
            current.append(cost)
        previous2, previous = previous, current
    return previous[-1]


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
            if last and size == 1 and parsed.ends_mid_word and (
                term not in self.vocabulary or len(term) < 4
            ):
                group.prefixes = [
                    w for w in self.vocabulary.completions(term, PREFIX_EXPANSIONS) if w != term
                ]
            if self.tokens(term) or group.prefixes or len(group.alternatives) > 1:
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

    def __init__(self, snapshot: Snapshot, synonyms: Synonyms, notices: list[Notice]):
        self.snapshot = snapshot
        self.synonyms = synonyms
        self.notices = notices

    @cached_property
    def vocabulary(self) -> Vocabulary:
        return Vocabulary(self.snapshot, self.synonyms)

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
    filters = normalize_filters(snapshot, {
        "sections": params.sections + parsed.filters.get("sections", []),
        "systems": params.systems + parsed.filters.get("systems", []),
        "effects": params.effects + parsed.filters.get("effects", []),
    })
    typed = " ".join(parsed.words + [f'"{" ".join(p)}"' for p in parsed.phrases])
    notice = notice_for(params.q, context.notices)
    corrected_query = None
    if not params.exact:
        corrections = context.planner.correct(parsed)
        if corrections:
            parsed = _apply_corrections(parsed, corrections)
            corrected_query = " ".join(
                parsed.words + [f'"{" ".join(p)}"' for p in parsed.phrases]
            )
    groups, group_queries = _plan(context, parsed)
    excluded = context.planner.excluded(parsed)
    fmask = filter_mask(snapshot, filters)
    tiers, missing = _tiers(snapshot, [q for _, q in group_queries], excluded, filters, fmask)
    missing_words = [group_queries[i][0].typed for i in sorted(missing)]
    query_mask = 0
    for _, mask in tiers:
        query_mask |= mask
    facets = count_facets(snapshot, query_mask, filters)
    total = (query_mask & fmask).bit_count()
    group_forms = context.planner.group_forms(groups)
    proximity = context.planner.proximity(groups)
    page = max(1, params.page)
    hits = [
        _hit(snapshot, hit, group_forms, context.text_tokens)
        for hit in _page_of_hits(snapshot, tiers, fmask, proximity, page, per_page)
    ]
    return SearchResult(
        params=params,
        query=typed,
        corrected_query=corrected_query,
        total=total,
        hits=hits,
        facets=facets,
        notice=notice,
        relaxed=len(tiers) > 1,
        missing_words=missing_words,
        highlight_terms=_landing_words(groups, context.planner),
        truncated=parsed.truncated,
        per_page=per_page,
    )


def _tiers(snapshot: Snapshot, queries: list[wq.Query], excluded: wq.Query | None,
           filters: dict[str, list[str]], fmask: int) -> tuple[list[tuple[wq.Query, int]], set]:
    """Pages with every word first; when they are few, then pages with some of the words
    (words no page has are left out). Returns (query, matched documents) per tier and the
    indexes of words that matched nothing."""

    def without_excluded(q: wq.Query) -> wq.Query:
        return wq.AndNot(q, excluded) if excluded is not None else q

    if not queries:
        if excluded is None and not any(filters.values()):
            return [], set()
        every = without_excluded(wq.Every())
        return [(every, _matching(snapshot, every))], set()
    every_word = without_excluded(wq.And(queries) if len(queries) > 1 else queries[0])
    all_mask = _matching(snapshot, every_word)
    tiers = [(every_word, all_mask)]
    if len(queries) < 2 or (all_mask & fmask).bit_count() >= RELAX_BELOW:
        return tiers, set()
    masks = [_matching(snapshot, q) for q in queries]
    missing = {i for i, m in enumerate(masks) if not m}
    useful = [q for q, m in zip(queries, masks, strict=True) if m]
    if useful:
        some = without_excluded(wq.Or(useful) if len(useful) > 1 else useful[0])
        some_mask = _matching(snapshot, some) & ~all_mask
        if some_mask & fmask:
            # As a query (not a filter set), so Whoosh can still skip what cannot rank.
            tiers.append((wq.AndNot(some, every_word), some_mask))
    return tiers, missing


def _page_of_hits(snapshot: Snapshot, tiers: list[tuple[wq.Query, int]], fmask: int,
                  proximity: wq.Query | None, page: int, per_page: int
                  ) -> list[tuple[int, float]]:
    """(document, score) of the hits for one results page, walking the tiers in order; facet
    choices only narrow the documents (they do not change a score)."""
    hits: list[tuple[int, float]] = []
    offset = (page - 1) * per_page
    terms = snapshot.term_scores
    for tier_query, mask in tiers:
        count = (mask & fmask).bit_count()
        if offset >= count:
            offset -= count
            continue
        wanted = offset + per_page - len(hits)
        ranked = wq.AndMaybe(tier_query, proximity) if proximity is not None else tier_query
        allowed = mask_array(mask & fmask, terms.size)
        found = top_documents(query_scores(ranked, terms), allowed, wanted)
        hits.extend(found[offset:wanted])
        offset = 0
        if len(hits) >= per_page:
            break
    return hits[:per_page]


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
    anchor, heading, text = best_section(sections, group_forms, tokens)
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
