"""Which urgent-help notice a search gets: its triggers matched on intent, not exact phrases.

A frightened person types "cant breath", "pain in my chest", "kill my self" or "suicde". So a
search is normalised the way the triggers are (case, apostrophes, filler words, word forms),
split and joined words are both tried ("my self" / "myself", "selfharm" / "self harm"), and a
word the guide and everyday English do not know is compared with the triggers' own words
(one edit from five letters, two from eight). A trigger's words may come in any order with a
few words between them. The notices' vocabulary is small, so this costs microseconds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations, product

from guide_site.spelling import edit_distance
from indexer.safety_file import FILLER, Notice, SafetyRules, Trigger, word_key, words_of

GAP = 3  # other words allowed between a trigger's words
FUZZY_FROM = 5  # letters a word needs before a one-letter slip is forgiven
FUZZY_TWO_FROM = 8  # ... and a two-letter one
MAX_WORDS = 40  # of a search, for matching (a pasted essay is cut)
MAX_PLACES = 8  # places tried for each of a trigger's words (bounds the work on repeats)


@dataclass(frozen=True)
class Token:
    keys: frozenset[str]  # the word's key, and the keys of trigger words it may misspell
    position: int  # among words that count (fillers share the next word's position)
    first: int  # index of its first word (a joined pair covers two)
    last: int


@dataclass(frozen=True)
class NoticeMatch:
    notice: Notice
    trigger: Trigger
    text: str  # the search (as typed or as corrected) that matched


def _deletes(word: str, depth: int) -> set[str]:
    found, edge = {word}, {word}
    for _ in range(depth):
        edge = {w[:i] + w[i + 1:] for w in edge for i in range(len(w))}
        found |= edge
    return found


class NoticeMatcher:
    """The notices of one version of safety.toml, ready to match searches."""

    def __init__(self, rules: SafetyRules, known: Callable[[str], bool] = lambda w: False
                 ) -> None:
        self.rules = rules
        self.known = known
        self._triggers = [(n, [_variants(t) for t in n.triggers],
                           [_variants(t) for t in n.unless]) for n in rules.notices]
        # Near-miss lookup (symmetric deletes): a word and a trigger word within two edits
        # share a form with up to two letters deleted.
        self._near: dict[str, set[str]] = {}
        for word in rules.words:
            if len(word) >= FUZZY_FROM - 1:
                for form in _deletes(word, 2 if len(word) >= FUZZY_TWO_FROM - 1 else 1):
                    self._near.setdefault(form, set()).add(word)
        self.fuzzy = lru_cache(maxsize=8192)(self._fuzzy)

    def _fuzzy(self, word: str) -> frozenset[str]:
        """Keys of the trigger words `word` may be a misspelling of."""
        if len(word) < FUZZY_FROM or word in self.rules.words or self.known(word):
            return frozenset()
        limit = 2 if len(word) >= FUZZY_TWO_FROM else 1
        candidates = {c for form in _deletes(word, limit) for c in self._near.get(form, ())}
        return frozenset(word_key(c) for c in candidates
                         if abs(len(c) - len(word)) <= limit and edit_distance(word, c) <= limit)

    def tokens(self, text: str) -> list[Token]:
        words = words_of(text)[:MAX_WORDS]
        positions, count = [], 0
        for word in words:
            positions.append(count)
            count += word not in FILLER
        tokens = []
        for i, word in enumerate(words):
            keys = {word_key(word)} | self.fuzzy(word)
            tokens.append(Token(frozenset(keys), positions[i], i, i))
            if i + 1 < len(words):  # "my self" is "myself"; "self harm" also "selfharm"
                joined = words[i] + words[i + 1]
                tokens.append(Token(frozenset({word_key(joined)}), positions[i + 1], i, i + 1))
        return tokens

    def match(self, *texts: str) -> NoticeMatch | None:
        """The first notice (in file order) with a trigger in the first text that has one."""
        for text in dict.fromkeys(t for t in texts if t and t.strip()):
            tokens = self.tokens(text)
            for notice, triggers, unless in self._triggers:
                if any(_matches(v, tokens) for variants in unless for v in variants):
                    continue
                for trigger, variants in zip(notice.triggers, triggers, strict=True):
                    if any(_matches(v, tokens) for v in variants):
                        return NoticeMatch(notice, trigger, text)
        return None


def _variants(trigger: Trigger) -> list[tuple[frozenset[str], ...]]:
    """The trigger's slots, and each pair of neighbouring slots written as one word."""
    slots = trigger.slots
    found = [slots]
    for i in range(len(slots) - 1):
        joined = frozenset(word_key(a + b) for a in slots[i] for b in slots[i + 1])
        found.append((*slots[:i], joined, *slots[i + 2:]))
    return found


def _matches(slots: tuple[frozenset[str], ...], tokens: list[Token]) -> bool:
    """Every slot found in a different word, all within a short stretch of the search."""
    options = []
    for slot in slots:
        found = [t for t in tokens if t.keys & slot][:MAX_PLACES]
        if not found:
            return False
        options.append(found)
    width = len(slots) - 1 + GAP
    for chosen in product(*options):
        if max(t.position for t in chosen) - min(t.position for t in chosen) > width:
            continue
        if all(a.last < b.first or b.last < a.first for a, b in combinations(chosen, 2)):
            return True
    return False
