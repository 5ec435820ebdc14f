"""The editors' urgent-help file (content/safety.toml): notices, their triggers and actions.

One file holds the one wording for urgent advice. The search shows a notice above results
when a search matches one of its triggers; guide pages show the same notice where they hold
`<div data-urgent="ID"></div>`. This module reads and validates the file (for the site and
for `lupus-guide check`); matching queries against triggers is the search side's job.

A trigger is a few words that must all appear, in any order and close together, in a
search: "chest pain|hurts|tight" needs "chest" and one of "pain", "hurts", "tight". Words
are compared by their normalised form (`word_key`), so plurals and verb forms match.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from whoosh.lang.porter import stem

SAFETY_FILE = "safety.toml"
NOTICE_KEYS = frozenset({"id", "title", "message", "actions", "pages", "triggers", "unless",
                         "only_pinned"})
ACTION_KEYS = frozenset({"label", "href", "region"})
TOP_KEYS = frozenset({"actions", "notice"})
# tel:911, tel:+18002221222, tel:116123, sms:988 (digits, an optional +, visual separators).
PHONE_HREF = re.compile(r"(tel|sms):\+?[0-9](?:[0-9.-]*[0-9])?")
PAGE_HREF = re.compile(r"/[a-z0-9/_-]*(?:#[a-z0-9_-]+)?")
ID = re.compile(r"[a-z][a-z0-9-]*")
# <div data-urgent="crisis"></div>: where a page shows a notice. The one form the site fills
# (an empty div, p, aside or section) and `lupus-guide check` accepts; group 2 is the id.
URGENT_BLOCK = re.compile(
    r"""<(div|p|aside|section)\b[^>]*?\bdata-urgent=["']([a-z0-9-]+)["'][^>]*>\s*</\1>""")

# Words that carry no meaning for urgency: dropped from triggers and searches alike, so "pain
# in my chest" and "chest pain" are the same two words side by side.
FILLER = frozenset(
    """a an the i im ive me my mine is am are was were be been it its this that these those
    just really so very to of in at for and or with like feel feeling felt feels some bit
    kind sort rn please pls plz currently literally""".split()
)
# Forms Porter's stemmer does not bring together.
IRREGULAR = {
    "dying": "die", "died": "die", "dies": "die", "dead": "die",
    "bled": "bleed", "took": "take", "taken": "take", "taking": "take",
    "ate": "ate",  # Porter makes it "at"
    "threw": "throw", "thrown": "throw", "peed": "pee", "peeing": "pee", "pees": "pee",
    "swallowed": "swallow", "swolen": "swollen", "swelled": "swell",
    "breath": "breath", "breathe": "breath", "breathing": "breath", "breaths": "breath",
    "cannot": "cant", "couldnt": "cant", "unable": "cant",
}


@dataclass(frozen=True)
class Action:
    """One way to get help: a number to call or text, or a page listing local numbers."""

    id: str
    label: str
    href: str
    region: str

    def as_dict(self) -> dict:
        return {"label": self.label, "href": self.href, "region": self.region}


Alternative = tuple[str, ...]  # word keys side by side: ("vomit",) or ("be", "sick")


@dataclass(frozen=True)
class Trigger:
    """Words that must all appear close together. Each slot holds alternatives; an
    alternative is one word, or several written with "+" that must stand side by side."""

    text: str
    slots: tuple[frozenset[Alternative], ...]


@dataclass(frozen=True)
class Notice:
    id: str
    title: str
    message: str
    actions: tuple[Action, ...]
    pages: tuple[str, ...]  # "/section/page#anchor", pinned first under the notice
    triggers: tuple[Trigger, ...]
    unless: tuple[Trigger, ...] = ()
    only_pinned: bool = False  # show the pinned pages and no other results (crisis)

    def as_dict(self) -> dict:
        return {"id": self.id, "title": self.title, "message": self.message,
                "actions": [a.as_dict() for a in self.actions]}


@dataclass(frozen=True)
class SafetyRules:
    """Every notice in file order (the first that matches a search wins)."""

    notices: tuple[Notice, ...] = ()
    words: frozenset[str] = field(default_factory=frozenset)  # every trigger word, as written

    def notice(self, notice_id: str) -> Notice | None:
        return next((n for n in self.notices if n.id == notice_id), None)


class SafetyFileError(ValueError):
    """The file cannot be used; the message names the problem for the editor."""


def words_of(text: str) -> list[str]:
    """Lower-case words without apostrophes ("don't" -> "dont", "can not" -> "cant")."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"['’‘`´]", "", text).replace("&", " and ")
    words = re.findall(r"[a-z0-9]+", text)
    joined: list[str] = []
    for word in words:
        if word == "not" and joined and joined[-1] == "can":
            joined[-1] = "cant"
        else:
            joined.append(word)
    return joined


@lru_cache(maxsize=20_000)
def word_key(word: str) -> str:
    """The form words are compared in: irregular forms mapped, then Porter's stem."""
    word = IRREGULAR.get(word, word)
    return IRREGULAR.get(word, stem(word))


def _alternative(text: str) -> Alternative:
    words = words_of(text.replace("+", " "))
    if len(words) == 1 and words[0] in FILLER:
        return ()  # a little word alone counts for nothing; inside "a+b" it is kept
    return tuple(word_key(w) for w in words)


def _trigger(text: str) -> Trigger:
    slots = []
    for part in text.lower().split():
        alternatives = frozenset(a for a in map(_alternative, part.split("|")) if a)
        if alternatives:
            slots.append(alternatives)
    return Trigger(text, tuple(slots))


def _text(item: dict, key: str, where: str) -> str:
    value = item.get(key)
    if not isinstance(value, str) or not value.strip():
        raise SafetyFileError(f"{where}: {key!r} must be a non-empty text")
    return value.strip()


def _list(item: dict, key: str, where: str, *, required: bool) -> list[str]:
    value = item.get(key, [] if not required else None)
    if value is None:
        raise SafetyFileError(f"{where}: {key!r} is missing")
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise SafetyFileError(f"{where}: {key!r} must be a list of texts in double quotes")
    if required and not [v for v in value if v.strip()]:
        raise SafetyFileError(f"{where}: {key!r} is empty")
    return [v.strip() for v in value if v.strip()]


def _actions(data: dict) -> dict[str, Action]:
    table = data.get("actions", {})
    if not isinstance(table, dict):
        raise SafetyFileError("[actions] must be a table of actions")
    actions = {}
    for action_id, item in table.items():
        where = f"action {action_id!r}"
        if not isinstance(item, dict):
            raise SafetyFileError(f"{where}: must be {{ label = ..., href = ..., region = ... }}")
        unknown = set(item) - ACTION_KEYS
        if unknown:
            raise SafetyFileError(f"{where}: unknown keys {', '.join(sorted(unknown))}")
        href = _text(item, "href", where)
        if not (PHONE_HREF.fullmatch(href) or PAGE_HREF.fullmatch(href)):
            raise SafetyFileError(
                f"{where}: href {href!r} is not a phone link (tel:911, tel:+18002221222, "
                "sms:988) or a page of the guide (/resources#emergency-numbers)")
        actions[action_id] = Action(action_id, _text(item, "label", where), href,
                                    _text(item, "region", where))
    return actions


def _notice(item: dict, index: int, actions: dict[str, Action]) -> Notice:
    where = f"notice {item.get('id', index + 1)!r}"
    unknown = set(item) - NOTICE_KEYS
    if unknown:
        raise SafetyFileError(f"{where}: unknown keys {', '.join(sorted(unknown))}"
                              f" (allowed: {', '.join(sorted(NOTICE_KEYS))})")
    notice_id = _text(item, "id", where)
    if not ID.fullmatch(notice_id):
        raise SafetyFileError(f"{where}: id must be lower-case words joined by '-'")
    chosen = []
    for action_id in _list(item, "actions", where, required=True):
        if action_id not in actions:
            raise SafetyFileError(f"{where}: no action {action_id!r} in [actions]")
        chosen.append(actions[action_id])
    triggers = tuple(_trigger(t) for t in _list(item, "triggers", where, required=True))
    empty = [t.text for t in triggers if not t.slots]
    if empty:
        raise SafetyFileError(f"{where}: trigger {empty[0]!r} has no words that count")
    pages = _list(item, "pages", where, required=False)
    bad = [p for p in pages if not PAGE_HREF.fullmatch(p)]
    if bad:
        raise SafetyFileError(f"{where}: pinned page {bad[0]!r} is not a guide address")
    only_pinned = item.get("only_pinned", False)
    if not isinstance(only_pinned, bool):
        raise SafetyFileError(f"{where}: only_pinned must be true or false")
    return Notice(notice_id, _text(item, "title", where), _text(item, "message", where),
                  tuple(chosen), tuple(pages), triggers,
                  tuple(_trigger(t) for t in _list(item, "unless", where, required=False)),
                  only_pinned)


def parse_safety(text: str) -> SafetyRules:
    """The notices of a safety.toml text; raises SafetyFileError (a ValueError) naming the
    first problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise SafetyFileError(f"not valid TOML: {error}") from None
    unknown = set(data) - TOP_KEYS
    if unknown:
        raise SafetyFileError(f"unknown top-level keys {', '.join(sorted(unknown))}")
    actions = _actions(data)
    items = data.get("notice", [])
    if not isinstance(items, list) or not items:
        raise SafetyFileError("no [[notice]] blocks")
    notices = [_notice(item, i, actions) for i, item in enumerate(items)]
    ids = [n.id for n in notices]
    duplicate = next((i for i in ids if ids.count(i) > 1), None)
    if duplicate:
        raise SafetyFileError(f"notice id {duplicate!r} is used twice")
    words = frozenset(w for n in notices for t in n.triggers for w in words_of(
        t.text.replace("|", " ").replace("+", " ")) if w not in FILLER)
    return SafetyRules(tuple(notices), words)
