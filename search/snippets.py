"""Snippets: the part of a page that best answers the query, with the matches marked."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache

from markupsafe import escape
from whoosh.lang.porter import stem
from whoosh.support.charset import accent_map

from indexer.page_rules import BLOCK_BREAK

SNIPPET_CHARS = 240
SURROUND = 90  # characters of context before the first match
TEXTS_KEPT = 4096  # texts whose terms and places are kept


@lru_cache(maxsize=50_000)
def stem_of(word: str) -> str:
    """A word's stem as the page view marks it (accents folded, Porter)."""
    return stem(word.translate(accent_map))


Token = tuple[str, int, int]  # indexed term, first character, end


class TextTokens:
    """Each text's terms with their places, as the index's analyzer finds them (`spans`),
    kept for the texts seen most (the same sections come back in result after result)."""

    def __init__(self, spans: Callable[[str], Iterable[Token]], size: int = TEXTS_KEPT) -> None:
        self.of = lru_cache(maxsize=size)(lambda text: tuple(spans(text)))
        # The same analysis, as the set of terms a section has (for choosing the section).
        self.terms = lru_cache(maxsize=size)(
            lambda text: frozenset(term for term, _, _ in self.of(text)))


Form = tuple[str, ...]  # one way of saying a query word, as indexed terms ("head", "pain")


def _form_sets(groups: list[list[Form]]) -> list[list[frozenset[str]]]:
    return [[frozenset(form) for form in forms] for forms in groups]


def _count_in(terms: frozenset[str], forms: list[frozenset[str]]) -> int:
    """How many of the forms stand whole in the terms (a subset test per form, in C)."""
    return sum(1 for form in forms if form <= terms)


def terms_present(text: str, groups: list[list[Form]], tokens: TextTokens) -> set[str]:
    """The terms of every form that stands whole in the text (not "pain" of "head pain")."""
    found = tokens.terms(text)
    return {t for forms in groups for form in forms if found.issuperset(form) for t in form}


def best_section(sections: list[list[str]], groups: list[list[Form]], tokens: TextTokens,
                 title: str = "") -> tuple[str, str, str]:
    """(anchor, heading, text) of the section that answers most of the query's groups
    (a word with its synonyms is one group), then most of them in its heading, then the
    most forms. Groups the page's title already answers ("plaquenil" on Hydroxychloroquine
    (Plaquenil)) hold for every section, so the rest of the words choose it ("eye exam":
    Eye Exams). The page's opening when nothing matches."""
    if not sections:
        return "", "", ""
    in_title = tokens.terms(title) if title else frozenset()
    rest = [forms for forms in groups if not any(set(form) <= in_title for form in forms)]
    groups = rest or groups
    best, best_score = sections[0], (0, 0, 0)
    form_sets = _form_sets(groups)
    wanted = frozenset(t for forms in groups for form in forms for t in form)
    for anchor, heading, text in sections:
        in_heading = tokens.terms(heading)
        in_text = tokens.terms(text)
        if in_heading.isdisjoint(wanted) and in_text.isdisjoint(wanted):
            continue  # most sections of a page: nothing to count
        found = in_heading | in_text
        counts = [_count_in(found, forms) for forms in form_sets]
        score = (
            sum(1 for count in counts if count),
            sum(1 for forms in form_sets if _count_in(in_heading, forms)),
            sum(counts),
        )
        if score > best_score:
            best, best_score = [anchor, heading, text], score
    return best[0], best[1], best[2]


def _best_window(tokens: tuple[Token, ...], matched: list[int], width: int) -> tuple[int, int]:
    """(first, last) matched token of the stretch of at most `width` characters that holds
    the most different terms, then the most matches; the earliest wins a tie."""
    best, best_score = (matched[0], matched[0]), (0, 0)
    for position, first in enumerate(matched):
        start = tokens[first][1]
        last, seen = first, set()
        for index in matched[position:]:
            if tokens[index][2] - start > width:
                break
            last = index
            seen.add(tokens[index][0])
        score = (len(seen), sum(1 for i in matched[position:] if i <= last))
        if score > best_score:
            best, best_score = (first, last), score
    return best


def _marked(text: str, tokens: tuple[Token, ...], matched: list[int], start: int, end: int
            ) -> str:
    parts, at = [], start
    for index in matched:
        _, first, stop = tokens[index]
        if first < start or stop > end:
            continue
        parts.append(f"{escape(text[at:first])}<mark>{escape(text[first:stop])}</mark>")
        at = stop
    parts.append(str(escape(text[at:end])))
    return "".join(parts)


def _widen(text: str, first: int, stop: int) -> tuple[int, int]:
    """Some context before the matches and after, at most SNIPPET_CHARS characters in all,
    cut between words."""
    start = max(0, first - SURROUND)
    end = min(len(text), max(stop, start + SNIPPET_CHARS))
    start = max(start, end - SNIPPET_CHARS)  # the matches themselves are never cut
    if start > 0 and not text[start - 1].isspace():
        space = text.find(" ", start, first)
        start = space + 1 if space != -1 else start
    if end < len(text) and not text[end].isspace():
        space = text.rfind(" ", stop, end)
        end = space if space != -1 else end
    return start, end


def snippet_html(text: str, terms: set[str], tokens: TextTokens, *, whole: bool = False) -> str:
    """A short excerpt (the whole text when `whole`) with the terms marked, escaped, and
    "…" where it was cut; "" when none of the terms occur, unless `whole`."""
    if not text:
        return ""
    analyzed = tokens.of(text)
    matched = [i for i, token in enumerate(analyzed) if token[0] in terms]
    if whole:
        if not matched:
            return str(escape(text[:SNIPPET_CHARS]))
        return _marked(text, analyzed, matched, 0, len(text))
    if not matched:
        return ""
    first, last = _best_window(analyzed, matched, SNIPPET_CHARS)
    start, end = _widen(text, analyzed[first][1], analyzed[last][2])
    body = _marked(text, analyzed, matched, start, end).strip()
    # A line break stands between two paragraphs or list items of the section.
    body = " · ".join(part.strip() for part in body.split(BLOCK_BREAK) if part.strip())
    return ("… " if start > 0 else "") + body + (" …" if end < len(text) else "")
