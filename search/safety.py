"""Which urgent-help notice a search gets: its triggers matched on intent, not exact phrases.

A frightened person types "cant breath", "pain in my chest", "kill my self" or "suicde". So a
search is normalised the way the triggers are (case, apostrophes, little words, word forms),
split and joined words are both tried ("my self" / "myself", "selfharm" / "self harm"), and a
word that neither the guide nor everyday English knows is compared with the triggers' own
words, by sound ("anafalaxis" / "anaphylaxis") and by spelling (one slip from five letters,
two from eight). A trigger's words may come in any order with a few words between them. The
notices' vocabulary is small, and only the triggers whose first word the search holds are
compared, so all of this costs well under a millisecond.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations, pairwise, product

from indexer.safety_file import (
    FILLER,
    Alternative,
    Notice,
    SafetyRules,
    Trigger,
    word_key,
    words_of,
)
from search.spelling import edit_distance

GAP = 3  # other words allowed between a trigger's words
FUZZY_FROM = 5  # letters a word needs before a one-letter slip is forgiven
FUZZY_TWO_FROM = 8  # ... and a two-letter one
MAX_WORDS = 40  # of a search, for matching (a pasted essay is cut)
MAX_PLACES = 8  # places tried for each of a trigger's words (bounds the work on repeats)
Slots = tuple[frozenset[Alternative], ...]
Span = tuple[int, int]  # first and last word of a search that a trigger's word stands on


@dataclass(frozen=True)
class NoticeMatch:
    notice: Notice
    trigger: Trigger
    text: str  # the search (as typed or as corrected) that matched


def sound(word: str) -> str:
    """A word as it sounds, roughly: "anaphylaxis" and "anafalaxis" come closer."""
    word = word.replace("ph", "f").replace("ck", "k").replace("ae", "e").replace("y", "i")
    return re.sub(r"(.)\1+", r"\1", word)


def _deletes(word: str, depth: int) -> set[str]:
    found, edge = {word}, {word}
    for _ in range(depth):
        edge = {w[:i] + w[i + 1:] for w in edge for i in range(len(w))}
        found |= edge
    return found


@dataclass(frozen=True)
class Words:
    """A search as the matcher sees it: each word's keys, each pair's joined key, and where
    each word stands among the words that count."""

    keys: tuple[frozenset[str], ...]
    joined: tuple[frozenset[str], ...]  # word i and word i + 1 read as one word
    positions: tuple[int, ...]  # little words share the position of the next word
    present: frozenset[str]  # every key above: a slot none of whose first keys is here fails

    def may_hold(self, slots: Slots) -> bool:
        """False when some slot cannot be found at all (most triggers, for most searches):
        a cheap test before the spans are worked out."""
        return all(any(alternative[0] in self.present for alternative in slot) for slot in slots)

    def spans(self, alternative: Alternative) -> list[Span]:
        size, found = len(alternative), []
        for i in range(len(self.keys) - size + 1):
            if all(alternative[j] in self.keys[i + j] for j in range(size)):
                found.append((i, i + size - 1))
            if size == 1 and i < len(self.joined) and alternative[0] in self.joined[i]:
                found.append((i, i + 1))  # "my self" for "myself"
        return found


class NoticeMatcher:
    """The notices of one version of safety.toml, ready to match searches."""

    def __init__(self, rules: SafetyRules, known: Callable[[str], bool] = lambda w: False
                 ) -> None:
        self.rules = rules
        self.known = known
        self._triggers = [(n, [_variants(t) for t in n.triggers],
                           [_variants(t) for t in n.unless]) for n in rules.notices]
        # Which triggers a search's words may hold: each variant is filed under the first
        # keys of its first slot, so a search looks at a handful of triggers, not all 300.
        self._by_key: dict[str, set[tuple[int, int]]] = {}
        for n, (_, triggers, _) in enumerate(self._triggers):
            for t, variants in enumerate(triggers):
                for variant in variants:
                    for alternative in variant[0]:
                        self._by_key.setdefault(alternative[0], set()).add((n, t))
        # Near misses (symmetric deletes on how words sound): a word and a trigger word
        # within two slips share a form with up to two letters deleted.
        self._keys = frozenset(word_key(w) for w in rules.words)
        self._near: dict[str, set[str]] = {}
        for word in rules.words:
            sounds = sound(word)
            if len(sounds) >= FUZZY_FROM - 1:
                depth = 2 if len(sounds) >= FUZZY_TWO_FROM - 1 else 1
                for form in _deletes(sounds, depth):
                    self._near.setdefault(form, set()).add(word)
        self.fuzzy = lru_cache(maxsize=8192)(self._fuzzy)

    def _fuzzy(self, word: str) -> frozenset[str]:
        """Keys of the trigger words `word` may be a misspelling of."""
        if (len(word) < FUZZY_FROM or word in self.rules.words or self.known(word)
                or word_key(word) in self._keys):  # a form of a notice's word: no slip
            return frozenset()
        said = sound(word)
        limit = 2 if len(word) >= FUZZY_TWO_FROM else 1
        candidates = {c for form in _deletes(said, limit) for c in self._near.get(form, ())}
        return frozenset(word_key(c) for c in candidates
                         if edit_distance(said, sound(c)) <= limit)

    def words(self, text: str) -> Words:
        words = words_of(text)[:MAX_WORDS]
        positions, count = [], 0
        for word in words:
            positions.append(count)
            count += word not in FILLER
        keys = tuple(frozenset({word_key(w)} | self.fuzzy(w)) for w in words)
        # Two ways to read a pair as one word: "nose bleed" as the word "nosebleed" (whose
        # stem is "noseblee") and as the keys "nose" + "bleed" (a trigger's slots joined).
        joined = tuple(frozenset({word_key(a + b), word_key(a) + word_key(b)})
                       for a, b in pairwise(words))
        return Words(keys, joined, tuple(positions), frozenset().union(*keys, *joined))

    def match(self, *texts: str) -> NoticeMatch | None:
        """The first notice (in file order) with a trigger in the first text that has one."""
        for text in dict.fromkeys(t for t in texts if t and t.strip()):
            words = self.words(text)
            # Triggers none of whose first words is in the search cannot match: pass them by.
            candidates = sorted({pair for key in words.present
                                 for pair in self._by_key.get(key, ())})
            checked_unless: dict[int, bool] = {}
            for n, t in candidates:
                notice, triggers, unless = self._triggers[n]
                if n not in checked_unless:
                    checked_unless[n] = any(_matches(v, words) for variants in unless
                                            for v in variants)
                if not checked_unless[n] and any(_matches(v, words) for v in triggers[t]):
                    return NoticeMatch(notice, notice.triggers[t], text)
        return None


def _variants(trigger: Trigger) -> list[Slots]:
    """The trigger's slots, and each pair of neighbouring one-word slots written as one
    word ("self harm" also as "selfharm")."""
    slots = trigger.slots
    found = [slots]
    for i in range(len(slots) - 1):
        # Keys side by side, not the stem of the two words: Porter would read "daughter" +
        # "ate" as "daughterate" and cut it back to "daughter".
        joined = frozenset((a[0] + b[0],) for a in slots[i] for b in slots[i + 1]
                           if len(a) == 1 and len(b) == 1)
        if joined:
            found.append((*slots[:i], joined, *slots[i + 2:]))
    return found


def _matches(slots: Slots, words: Words) -> bool:
    """Every slot found on words of its own, all within a short stretch of the search."""
    if not words.may_hold(slots):
        return False
    options: list[list[Span]] = []
    for slot in slots:
        found = sorted({span for alternative in slot for span in words.spans(alternative)})
        if not found:
            return False
        options.append(found[:MAX_PLACES])
    width = len(slots) - 1 + GAP
    where = words.positions
    for chosen in product(*options):
        if max(where[last] for _, last in chosen) - min(where[first] for first, _ in chosen) \
                > width:
            continue
        if all(a[1] < b[0] or b[1] < a[0] for a, b in combinations(chosen, 2)):
            return True
    return False
