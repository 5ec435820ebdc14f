"""What a person typed -> the clauses of a search (words, phrases, exclusions, filters).

Staff may use a little syntax ("quoted phrases", -word, section:, effect:, system:); anything
that does not parse as syntax is simply taken as words, so no query is ever an error.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from search.filters import FACETS
from search.synonyms import words_of

CLAUSE = re.compile(r'(-?)(?:([A-Za-z_]+):)?(?:"([^"]*)"?|(\S+))')
MAX_WORDS = 12  # like the anchors' caps: enough for any real question, bounded work
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]")


@dataclass
class ParsedQuery:
    words: list[str] = field(default_factory=list)  # positive words, in order
    phrases: list[list[str]] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    filters: dict[str, list[str]] = field(default_factory=dict)  # section: -> ["..."]
    ends_mid_word: bool = False  # the last word may be a fragment ("headache after inf")
    truncated: bool = False

    @property
    def empty(self) -> bool:
        return not (self.words or self.phrases)


def clean_text(text: str, max_chars: int) -> tuple[str, bool]:
    """Normalized Unicode, no control characters, squeezed spaces, at most max_chars."""
    text = unicodedata.normalize("NFKC", text)
    text = _CONTROL.sub(" ", text)
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) > max_chars:
        return text[:max_chars].rsplit(" ", 1)[0] or text[:max_chars], True
    return text, False


def parse_query(raw: str, max_chars: int = 300) -> ParsedQuery:
    text, truncated = clean_text(raw, max_chars)
    parsed = ParsedQuery(truncated=truncated)
    budget = MAX_WORDS
    for match in CLAUSE.finditer(text):
        negated, fieldname, phrase, word = match.groups()
        fieldname = (fieldname or "").lower()
        value = phrase if phrase is not None else word
        if fieldname in FACETS and value and value.strip():
            parsed.filters.setdefault(fieldname, []).append(value.strip())
            continue
        words = words_of(f"{fieldname} {value}" if fieldname else value)
        words = words[:budget]
        budget -= len(words)
        if not words:
            continue
        if negated and not fieldname:
            parsed.excluded.extend(words)
        elif phrase is not None and len(words) > 1:
            parsed.phrases.append(words)
        else:
            parsed.words.extend(words)
        if budget <= 0:
            parsed.truncated = True
            break
    last = text[-1:] if text else ""
    parsed.ends_mid_word = bool(parsed.words) and last.isalnum() and not text.endswith('"')
    return parsed
