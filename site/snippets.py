"""Snippets: the part of a page that best answers the query, with the matches marked."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from markupsafe import escape
from whoosh import highlight
from whoosh.analysis import Token
from whoosh.lang.porter import stem
from whoosh.support.charset import accent_map

WORD = re.compile(r"\w+")
SNIPPET_CHARS = 240


@lru_cache(maxsize=50_000)
def stem_of(word: str) -> str:
    return stem(word.translate(accent_map))


@lru_cache(maxsize=8192)
def section_terms(text: str) -> frozenset[str]:
    """The stems in a text (kept: the same sections come back in result after result)."""
    return frozenset(stem_of(w) for w in WORD.findall(text.lower()))


Form = tuple[str, ...]  # one way of saying a query word, as indexed terms ("head", "pain")


def _forms_in(terms: set[str], forms: list[Form]) -> list[Form]:
    return [form for form in forms if all(t in terms for t in form)]


def terms_present(text: str, groups: list[list[Form]]) -> set[str]:
    """The terms of every form that stands whole in the text (not "pain" of "head pain")."""
    found = section_terms(text)
    return {t for forms in groups for form in _forms_in(found, forms) for t in form}


def best_section(sections: list[list[str]], groups: list[list[Form]]) -> tuple[str, str, str]:
    """(anchor, heading, text) of the section that answers most of the query's groups
    (a word with its synonyms is one group), then most of them in its heading, then the
    most forms. The page's opening when nothing matches."""
    if not sections:
        return "", "", ""
    best, best_score = sections[0], (0, 0, 0)
    for anchor, heading, text in sections:
        in_heading = section_terms(heading)
        found = in_heading | section_terms(text)
        score = (
            sum(1 for forms in groups if _forms_in(found, forms)),
            sum(1 for forms in groups if _forms_in(in_heading, forms)),
            sum(len(_forms_in(found, forms)) for forms in groups),
        )
        if score > best_score:
            best, best_score = [anchor, heading, text], score
    return best[0], best[1], best[2]


class MarkFormatter(highlight.Formatter):
    """Escaped text with <mark> around each match, "…" where the text was cut."""

    between = " … "

    def _text(self, text: str) -> str:
        return str(escape(text))

    def format_token(self, text, token, replace=False):
        return f"<mark>{escape(highlight.get_text(text, token, replace))}</mark>"

    def format_fragment(self, fragment, replace=False):
        body = super().format_fragment(fragment, replace)
        start = "… " if fragment.startchar > 0 else ""
        end = " …" if fragment.endchar < len(fragment.text) else ""
        return start + body.strip() + end


class CachedTokens:
    """The analyzer's tokens of a text, worked out once and handed out as fresh tokens:
    highlighting the same sections again skips the tokenizer, stop words and stemmer."""

    def __init__(self, analyzer, size: int = 4096) -> None:
        self.analyzer = analyzer
        self._tokens = lru_cache(maxsize=size)(self._analyze)

    def _analyze(self, text: str) -> tuple[tuple[str, int, int, bool], ...]:
        tokens = self.analyzer(text, chars=True, mode="query", removestops=False)
        return tuple((t.text, t.startchar, t.endchar, t.stopped) for t in tokens)

    def __call__(self, text: str, **_ignored) -> Iterator[Token]:
        for word, start, end, stopped in self._tokens(text):
            yield Token(chars=True, text=word, startchar=start, endchar=end, stopped=stopped,
                        boost=1.0)


def snippet_html(text: str, terms: set[str], analyzer, *, whole: bool = False) -> str:
    """A short excerpt with the terms marked; "" when none of them occur."""
    if not text:
        return ""
    if whole:
        fragmenter = highlight.WholeFragmenter()
    else:
        fragmenter = highlight.ContextFragmenter(maxchars=SNIPPET_CHARS, surround=90)
    marked = highlight.highlight(text, terms, analyzer, fragmenter, MarkFormatter(), top=1)
    if marked or not whole:
        return marked
    return str(escape(text[:SNIPPET_CHARS]))
