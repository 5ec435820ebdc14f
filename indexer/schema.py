"""The Whoosh schema, defined once; the query side reads it back from the index."""

from __future__ import annotations

import json
import re
import unicodedata
from itertools import pairwise

from whoosh import analysis, fields
from whoosh.support.charset import accent_map

from indexer.page import Page
from indexer.side_effects import default_label

# Whoosh's English stop words plus the filler patients type around what they mean
# ("what should i do about my ..."), so extra words neither block nor skew a match.
STOP_WORDS = frozenset(analysis.STOP_WORDS) | frozenset(
    """i me my mine im i'm am was were been being do does did doing done about after
    before what whats which who whom why how where there here then than so very really
    just get got getting have has had having should would could can cant can't its it's
    our ours they them their he she his her him also any some all much many more most
    lot lots bit thing things stuff help please know tell need want one out up time times
    always often usually sometimes even still every ever something anything keep keeps""".split()
)  # phrases like "throwing up" are caught whole by the synonyms before analysis


PAIR_JOINER = "_"  # "side effect" is also indexed as the one term "side_effect"


class PairFilter(analysis.Filter):
    """When indexing, each term and then the pair it makes with the term before it.

    A phrase of two words then costs one term lookup instead of Whoosh's position matching,
    which is what made phrase searches slow. Queries and highlighting see single terms only.
    """

    is_morph = True  # spelling fields (no_morph) get plain words

    def __call__(self, tokens):
        previous = None
        for token in tokens:
            yield token
            if token.mode != "index":
                continue
            text = token.text
            if previous is not None:
                token.text = previous + PAIR_JOINER + text
                yield token
                token.text = text
            previous = text


def pair_terms(tokens: list[str]) -> list[str]:
    """The pair terms of consecutive tokens, as the index holds them."""
    return [a + PAIR_JOINER + b for a, b in pairwise(tokens)]


def text_analyzer() -> analysis.Analyzer:
    """Words, lower case, accents folded, stop words out, Porter stems."""
    return (
        analysis.RegexTokenizer()
        | analysis.LowercaseFilter()
        | analysis.CharsetFilter(accent_map)
        | analysis.StopFilter(stoplist=STOP_WORDS, minsize=1)
        | analysis.StemFilter()
    )


def paired_analyzer() -> analysis.Analyzer:
    """The text analyzer plus word pairs, for the short fields only: in the body, pairs
    would multiply the number of terms (and the index) many times over."""
    return text_analyzer() | PairFilter()


def plain_analyzer() -> analysis.Analyzer:
    """Words, lower case, accents folded; no stems, so completions and spelling see words."""
    return (
        analysis.RegexTokenizer() | analysis.LowercaseFilter() | analysis.CharsetFilter(accent_map)
    )


# Field names, shared by the indexer and the site.
PATH, URL, TITLE, SECTION, SECTION_TITLE = "path", "url", "title", "section", "section_title"
DESCRIPTION, KEYWORDS, HEADINGS, BODY = "description", "keywords", "headings", "body"
SIDE_EFFECT, BODY_SYSTEM, SIDE_EFFECT_TEXT = "side_effect", "body_system", "side_effect_text"
WARNING_SIGNS, DRUG, MODIFIED, SECTIONS_JSON = "warning_signs", "drug", "modified", "sections"
CONTENT_HASH, PAIRS_JSON = "content_hash", "side_effect_pairs"
TITLE_WORDS, SYSTEM_EFFECT, LINKS_JSON = "title_words", "system_effect", "links"
# Review dates as ISO dates ("" when the page has none), Sources as JSON [[title, url]],
# the page's place in its section listing (absent when it sets none).
LAST_REVIEWED, NEXT_REVIEW, SOURCES_JSON, ORDER = "last_reviewed", "next_review", "sources", "order"
EFFECT_LABELS_JSON = "effect_labels"  # JSON {effect key: label as the page wrote it}
SIDE_EFFECT_LINES_JSON = "side_effect_lines"  # JSON [line of the side-effect list, as written]
PAIR_SEPARATOR = "|"
IDENTIFIERS = "identifiers"

# Where a query's words count most: title and keywords above side effects, above headings,
# above the body (BM25F field weights).
FIELD_BOOSTS: dict[str, float] = {
    TITLE: 6.0,
    KEYWORDS: 4.0,
    SIDE_EFFECT_TEXT: 2.5,
    HEADINGS: 2.0,
    DESCRIPTION: 1.5,  # with the section's title, so "psychological issues" finds its pages
    BODY: 1.0,  # the whole article, warning signs included
}
SEARCH_FIELDS = tuple(FIELD_BOOSTS)
PAIRED_FIELDS = (TITLE, KEYWORDS, SIDE_EFFECT_TEXT, HEADINGS, DESCRIPTION)  # pairs indexed


# Known items: the names in a page's title, headings and keywords, each as one term made of
# its words joined by "_" ("anti-dsDNA" -> anti_dsdna, "24-hour urine" -> 24_hour_urin), so
# a query of exactly that name, whose words are split apart, is found as one term.
IDENTIFIER_JOINER = "_"
KNOWN_ITEM_BOOST = 12.0  # the bonus of a page holding the name a whole query spells
IDENTIFIER_MAX_WORDS = 4  # a whole heading holding a name is a name too, when this short
# A word as searches split them (search.synonyms.words_of, names here): letters and digits,
# with inner apostrophes ("raynaud's").
QUERY_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_INNER_MARK = re.compile(r"[^\W_][_\-/.:]+[^\W_]")  # mod_rewrite, anti-dsDNA, ACR/EULAR
_LETTER_AND_DIGIT = re.compile(r"(?=.*\d)(?=.*[^\W\d_])")  # C3, x86, COVID19
_CAPITALS = re.compile(r"[A-Z][A-Z0-9]+s?|.*[a-z][A-Z].*")  # UPCR, NSAIDs, dsDNA, eGFR
_EDGE_PUNCTUATION = "\"'“”‘’.,;:!?()[]{}"


def identifier_form(text: str) -> str:
    """A name's words (a query's words, as the site splits them) joined by "_"."""
    words = QUERY_WORD.findall(unicodedata.normalize("NFKC", text).lower())
    return IDENTIFIER_JOINER.join(w.replace("’", "'") for w in words)


def is_identifier(token: str) -> bool:
    """A name rather than a word: marks inside it, letters and digits, or capitals."""
    return bool(_INNER_MARK.search(token) or _LETTER_AND_DIGIT.match(token)
                or _CAPITALS.fullmatch(token))


def identifiers(texts: list[str]) -> list[str]:
    """The names in titles, headings or keywords, and the short ones that hold a name."""
    found: dict[str, None] = {}
    for text in texts:
        names = [t for t in (raw.removesuffix("()").strip(_EDGE_PUNCTUATION)
                             for raw in text.split()) if t and is_identifier(t)]
        forms = [identifier_form(name) for name in names]
        if names and len(QUERY_WORD.findall(text)) <= IDENTIFIER_MAX_WORDS:
            forms.append(identifier_form(text))
        found.update((form, None) for form in forms if form)
    return list(found)


def build_schema() -> fields.Schema:
    text = text_analyzer()
    paired = paired_analyzer()
    return fields.Schema(
        path=fields.ID(stored=True, unique=True),
        url=fields.ID(stored=True),
        title=fields.TEXT(stored=True, analyzer=paired, spelling=True),
        # Whole words of the title, for completing what a person is typing.
        title_words=fields.TEXT(analyzer=plain_analyzer(), phrase=False),
        section=fields.ID(stored=True, sortable=True),
        section_title=fields.STORED(),
        description=fields.TEXT(stored=True, analyzer=paired),
        keywords=fields.TEXT(stored=True, analyzer=paired, spelling=True),
        headings=fields.TEXT(analyzer=paired),
        identifiers=fields.TEXT(analyzer=text),
        body=fields.TEXT(analyzer=text),  # snippets come from the stored sections
        side_effect=fields.KEYWORD(stored=True, commas=True, lowercase=True),
        body_system=fields.KEYWORD(stored=True, commas=True),
        # "System|effect" pairs: which body system each listed effect is filed under.
        system_effect=fields.KEYWORD(commas=True, lowercase=False),
        side_effect_text=fields.TEXT(analyzer=paired),
        warning_signs=fields.STORED(),
        drug=fields.ID(stored=True, sortable=True),
        modified=fields.DATETIME(stored=True, sortable=True),
        sections=fields.STORED(),
        side_effect_pairs=fields.STORED(),
        content_hash=fields.STORED(),
        links=fields.STORED(),
        last_reviewed=fields.STORED(),
        next_review=fields.STORED(),
        sources=fields.STORED(),
        order=fields.STORED(),
        effect_labels=fields.STORED(),
        side_effect_lines=fields.STORED(),
    )


def _effect_labels(page: Page) -> dict[str, str]:
    """Each listed effect's label, the page's first spelling of it."""
    labels: dict[str, str] = {}
    for effect in page.side_effects:
        labels.setdefault(effect.effect, effect.label or default_label(effect.effect))
    return labels


def page_document(page: Page) -> dict:
    """A Page as a Whoosh document (field name -> value)."""
    return {
        PATH: page.path,
        URL: page.url,
        TITLE: page.title,
        TITLE_WORDS: page.title,
        SECTION: page.section,
        SECTION_TITLE: page.section_title,
        DESCRIPTION: f"{page.description} {page.section_title}".strip(),
        "_stored_" + DESCRIPTION: page.description,  # shown as written
        KEYWORDS: ", ".join(page.keywords),
        HEADINGS: " ".join(h.text for h in page.headings),
        IDENTIFIERS: " ".join(identifiers([page.title, *(h.text for h in page.headings),
                                           *page.keywords])),
        BODY: page.body,
        SIDE_EFFECT: ",".join(sorted({e.effect for e in page.side_effects})),
        BODY_SYSTEM: ",".join(page.body_systems),
        SYSTEM_EFFECT: ",".join(f"{e.system}{PAIR_SEPARATOR}{e.effect}" for e in page.side_effects),
        SIDE_EFFECT_TEXT: ". ".join(f"{e.system}: {e.effect}" for e in page.side_effects),
        WARNING_SIGNS: "\n".join(page.warning_signs),
        DRUG: page.drug,
        MODIFIED: page.modified.replace(tzinfo=None),
        SECTIONS_JSON: json.dumps([[s.anchor, s.heading, s.text] for s in page.sections]),
        PAIRS_JSON: json.dumps([[e.system, e.effect] for e in page.side_effects]),
        CONTENT_HASH: page.content_hash,
        LINKS_JSON: json.dumps([link for link in page.links if link.startswith("/")]),
        LAST_REVIEWED: page.last_reviewed.isoformat() if page.last_reviewed else "",
        NEXT_REVIEW: page.next_review.isoformat() if page.next_review else "",
        SOURCES_JSON: json.dumps([[s.title, s.url] for s in page.sources]),
        ORDER: page.order,  # None: not stored
        EFFECT_LABELS_JSON: json.dumps(_effect_labels(page)),
        SIDE_EFFECT_LINES_JSON: json.dumps(page.side_effect_lines),
    }
