"""Our analyzers' results without Whoosh's token objects, for the build.

Whoosh runs every word of every page through a chain of generators that pass one mutable
token object along: most of a build's analysis time. The chains the schema uses (a regex
tokenizer, then lower case, accent folding, stop words, stems, word pairs, in that order)
come down to a few string operations per distinct word, which are remembered. `indexer_for`
returns a function giving exactly what `field.index(value)` gives, or None for any chain
or format it does not know (the field is then analysed by Whoosh as before). The site
uses the same chains for a query's words and a snippet's text.
tests/test_analysis.py compares the two on every field of the guide and on generated text.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from whoosh import formats
from whoosh.analysis import (
    CharsetFilter,
    CompositeAnalyzer,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)

from indexer.schema import PAIR_JOINER, PairFilter
from indexer.whoosh_fast import enabled
from indexer.whoosh_fast.encoding import cached_stemmer, frequency_value, positions_value

# (term bytes, frequency, weight, encoded value): what FieldType.index yields per term.
IndexedTerm = tuple[bytes, int, float, bytes]
MEMO_LIMIT = 500_000  # distinct raw words remembered per chain before starting again


@dataclass
class Chain:
    """One analyzer chain, as the steps it takes for each word."""

    tokenizer: RegexTokenizer
    lowercase: bool = False
    charmap: dict | None = None
    stops: StopFilter | None = None
    stem: StemFilter | None = None
    pairs: bool = False

    def __post_init__(self) -> None:
        # raw word -> (word for spelling or None when stopped, term)
        self.memo: dict[str, tuple[str | None, str | None]] = {}

    def word(self, raw: str) -> tuple[str | None, str | None]:
        """What the filters make of one token's text: (before stemming, after)."""
        known = self.memo.get(raw)
        if known is not None:
            return known
        text = raw.lower() if self.lowercase else raw
        if self.charmap is not None:
            text = text.translate(self.charmap)
        stops = self.stops
        if stops is not None and not (
            len(text) >= stops.min
            and (stops.max is None or len(text) <= stops.max)
            and text not in stops.stops
        ):
            result: tuple[str | None, str | None] = (None, None)
        else:
            term = text
            if self.stem is not None and text not in self.stem.ignore:
                term = cached_stemmer(self.stem)(text)
            result = (text, term)
        if len(self.memo) >= MEMO_LIMIT:
            self.memo.clear()
        self.memo[raw] = result
        return result

    def _analysed(self, value: str) -> list[tuple[str | None, str | None]]:
        """`word()` of each token of the value, in order (the memo looked up inline)."""
        memo, word = self.memo, self.word
        return [memo.get(raw) or word(raw)
                for raw in map(_matched, self.tokenizer.expression.finditer(value))]

    def terms(self, value: str) -> tuple[list[str], list[int]]:
        """Terms and their positions, in the order the analyzer yields them to be indexed."""
        found = [term for _, term in self._analysed(value)]
        kept = [term for term in found if term is not None]
        if not kept:
            return [], []
        if self.stops is not None and self.stops.renumber:
            # The first kept word keeps its place; the others follow it with no gaps.
            first = next(i for i, term in enumerate(found) if term is not None)
            positions = list(range(first, first + len(kept)))
        else:
            positions = [i for i, term in enumerate(found) if term is not None]
        if not self.pairs:
            return kept, positions
        terms, places = [kept[0]], [positions[0]]
        for (previous, term), position in zip(pairwise(kept), positions[1:], strict=True):
            terms += (term, previous + PAIR_JOINER + term)  # a word, then its pair
            places += (position, position)
        return terms, places

    def query_terms(self, value: str) -> list[str]:
        """The texts of `analyzer(value)`'s tokens outside index mode (no word pairs)."""
        return [term for _, term in self._analysed(value) if term is not None]

    def spans(self, value: str) -> list[tuple[str, int, int]]:
        """(text, startchar, endchar) of `analyzer(value, chars=True, mode="query")`."""
        memo, word = self.memo, self.word
        found = [((memo.get(m.group(0)) or word(m.group(0)))[1], m.start(), m.end())
                 for m in self.tokenizer.expression.finditer(value)]
        return [span for span in found if span[0] is not None]

    def spelling_words(self, value: str) -> list[str]:
        """`field.spellable_words(value)`: the words before stemming, sorted, once each."""
        return sorted({word for word, _ in self._analysed(value) if word is not None})


def _matched(match: re.Match) -> str:
    return match.group(0)


def chain_of(analyzer: Any) -> Chain | None:
    """The analyzer as a Chain, if it is one of the shapes this module reproduces (and
    the Whoosh is one it was proven against: indexer.whoosh_fast)."""
    if not enabled():
        return None
    items = list(analyzer.items) if isinstance(analyzer, CompositeAnalyzer) else [analyzer]
    tokenizer = items.pop(0)
    if type(tokenizer) is not RegexTokenizer or tokenizer.gaps:
        return None
    chain = Chain(tokenizer)
    steps = [
        (LowercaseFilter, lambda item: setattr(chain, "lowercase", True)),
        (CharsetFilter, lambda item: setattr(chain, "charmap", item.charmap)),
        (StopFilter, lambda item: setattr(chain, "stops", item)),
        (StemFilter, lambda item: setattr(chain, "stem", item)),
        (PairFilter, lambda item: setattr(chain, "pairs", True)),
    ]
    for item in items:
        while steps and type(item) is not steps[0][0]:
            steps.pop(0)  # steps may be left out, never reordered
        if not steps:
            return None
        steps.pop(0)[1](item)
    return chain


def indexer_for(field: Any) -> Callable[[str], list[IndexedTerm]] | None:
    """A function equal to `list(field.index(value))` for text values, or None."""
    fmt = field.format
    if type(fmt) not in (formats.Positions, formats.Frequency) or not field.analyzer:
        return None
    chain = chain_of(field.analyzer)
    if chain is None:
        return None
    boost = fmt.field_boost
    if type(fmt) is formats.Positions:
        return lambda value: _positions(chain.terms(value), boost)
    return lambda value: _frequencies(chain.terms(value), boost)


def spelling_for(field: Any) -> Callable[[str], list[str]] | None:
    """A function equal to `list(field.spellable_words(value))` for text values, or None."""
    chain = chain_of(field.analyzer) if field.analyzer else None
    return chain.spelling_words if chain is not None else None


def _positions(terms: tuple[list[str], list[int]], boost: float) -> list[IndexedTerm]:
    places: defaultdict[str, list[int]] = defaultdict(list)
    for term, position in zip(*terms, strict=True):
        places[term].append(position)
    result = []
    for term, positions in places.items():
        count = len(positions)
        deltas = positions if count == 1 else [
            positions[0], *(b - a for a, b in pairwise(positions))]
        value = positions_value(deltas)
        result.append((term.encode("utf-8"), count, count * 1.0 * boost, value))
    return result


def _frequencies(terms: tuple[list[str], list[int]], boost: float) -> list[IndexedTerm]:
    counts: dict[str, int] = {}
    for term in terms[0]:
        counts[term] = counts.get(term, 0) + 1
    return [(term.encode("utf-8"), count, count * 1.0 * boost, frequency_value(count))
            for term, count in counts.items()]
