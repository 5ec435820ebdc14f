"""Parsed query -> Whoosh queries, with the index's own analyzer: each thing asked for is a
`Group` (a word or phrase with its synonyms and, while typing, completions), planned into the
fields that hold it, with a bonus where the words stand together."""

from __future__ import annotations

from dataclasses import dataclass, field

from whoosh import query as wq

from indexer import schema
from indexer.analysis import chain_of
from indexer.whoosh_fast import BestOfDisjunction
from search.generation import Generation
from search.query import ParsedQuery
from search.snippets import Form
from search.spelling import Vocabulary
from search.synonyms import Synonyms

SYNONYM_WEIGHT = 0.8  # a synonym counts a little less than the word as typed
PREFIX_EXPANSIONS = 8  # completions of a last, unfinished word
PROXIMITY_BOOST = 2.0
APART_WEIGHT = 0.5  # a multi-word term whose words are not side by side


@dataclass
class Group:
    """One thing the person asked for: a word or phrase with its synonyms."""

    typed: str
    alternatives: list[str]
    prefixes: list[str] = field(default_factory=list)
    phrase: bool = False


class Planner:
    """Builds Whoosh queries from parsed text, with the index's own analyzer."""

    def __init__(self, generation: Generation, synonyms: Synonyms, vocabulary: Vocabulary):
        self.generation = generation
        self.synonyms = synonyms
        self.vocabulary = vocabulary
        self.analyzer = generation.schema[schema.BODY].analyzer
        self.chain = chain_of(self.analyzer)  # the same analysis without token objects
        self.fields = [f for f in schema.SEARCH_FIELDS if f in generation.schema]

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
        if len(tokens) != 1 or schema.IDENTIFIERS not in self.generation.schema:
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
            return any_of(self._terms(tokens[0], boost))
        side_by_side = []
        for f in self.fields:
            weight = schema.FIELD_BOOSTS[f] * boost
            if f in schema.PAIRED_FIELDS:
                side_by_side.append(self._pairs(f, tokens, weight))
            elif typed and all(self._has(f, t) for t in tokens):
                # position matching in the body only for what was typed
                side_by_side.append(wq.Phrase(f, tokens, slop=1, boost=weight))
        phrase = any_of([q for q in side_by_side if q is not wq.NullQuery])
        if not (typed and apart):
            return phrase
        # The words apart count too ("salt" and "diet" far from each other), for less.
        each = [any_of(self._terms(t, boost * APART_WEIGHT)) for t in tokens]
        words_apart = wq.NullQuery if wq.NullQuery in each else wq.And(each)
        return any_of([q for q in (phrase, words_apart) if q is not wq.NullQuery],
                      BestOfDisjunction)

    def _has(self, fieldname: str, term: str) -> bool:
        return self.generation.term_scores.has(fieldname, term)

    def _terms(self, term: str, boost: float) -> list[wq.Query]:
        """The term in each search field that has it (building matchers for terms that are
        not there is most of a query's cost on a small guide); a name joined back from the
        words typed (`known_item`) is looked for among names too."""
        fields = self.fields
        if schema.IDENTIFIER_JOINER in term and schema.IDENTIFIERS in self.generation.schema:
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
        return parts[0] if len(parts) == 1 else BestOfDisjunction(parts)

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
        return any_of(bonus) if bonus else None

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


def any_of(parts: list[wq.Query], kind=wq.Or) -> wq.Query:
    """One query for any of the parts; NullQuery for none."""
    if not parts:
        return wq.NullQuery
    return parts[0] if len(parts) == 1 else kind(parts)
