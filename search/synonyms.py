"""Editors' synonyms (content/synonyms.txt), applied to queries at search time.

Format: one group a line, terms separated by commas; `#` starts a comment. Every term of a
group finds the others; a term may have several words ("throwing up").
"""

from __future__ import annotations

from dataclasses import dataclass, field

from indexer.schema import QUERY_WORD


def words_of(text: str) -> list[str]:
    """Lower-case words, the same way for synonym terms and for queries."""
    return [w.replace("’", "'") for w in QUERY_WORD.findall(text.lower())]


@dataclass
class Synonyms:
    groups: list[tuple[str, ...]] = field(default_factory=list)
    by_term: dict[str, list[int]] = field(default_factory=dict)
    longest: int = 1

    def alternatives(self, term: str) -> list[str]:
        """Every term that shares a group with `term`, itself first."""
        found = [term]
        for index in self.by_term.get(term, ()):
            found.extend(t for t in self.groups[index] if t not in found)
        return found

    def match_at(self, words: list[str], start: int) -> int:
        """How many words from `start` form the longest synonym term (0 for none)."""
        for size in range(min(self.longest, len(words) - start), 0, -1):
            if " ".join(words[start : start + size]) in self.by_term:
                return size
        return 0

    @property
    def words(self) -> set[str]:
        return {w for term in self.by_term for w in term.split()}


def parse_synonyms(text: str) -> Synonyms:
    synonyms = Synonyms()
    for line in text.splitlines():
        line = line.split("#", 1)[0]
        terms = []
        for raw in line.split(","):
            term = " ".join(words_of(raw))
            if term and term not in terms:
                terms.append(term)
        if len(terms) < 2:
            continue
        index = len(synonyms.groups)
        synonyms.groups.append(tuple(terms))
        for term in terms:
            synonyms.by_term.setdefault(term, []).append(index)
            synonyms.longest = max(synonyms.longest, len(term.split()))
    return synonyms
