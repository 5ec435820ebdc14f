"""What is recorded: a search, a result opened from one, a page's feedback. Each event
carries only the hour it happened in (hours since 1970, UTC), never a finer time."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from insights.redact import normalise
from search.filters import FACETS

SECONDS_PER_HOUR = 3600
HOURS_PER_DAY = 24
REASONS = {  # page feedback after "No": our own choices, never free text
    "hard": "It was hard to understand",
    "unanswered": "It did not answer my question",
    "outdated": "It seems out of date",
    "other": "Something else",
}
KEY_CHARS = 16


def hour_of(seconds: float) -> int:
    return int(seconds // SECONDS_PER_HOUR)


def hour_start(hour: int) -> datetime:
    """When an hour (as counted by hour_of) began, in UTC."""
    return datetime.fromtimestamp(hour * SECONDS_PER_HOUR, UTC)


def first_hour(now: float, days: int) -> int:
    """The first hour of the last `days` days, counting `now`'s hour as the last one."""
    return hour_of(now) - days * HOURS_PER_DAY + 1


def search_key(query: str | None, filters: str, notice: str | None) -> str:
    """Which search a result was opened from: the same for every reader who made the same
    (redacted) search, so it identifies a search, never a person, and a page keeps one
    cacheable answer."""
    text = json.dumps([query, filters, notice], separators=(",", ":"))
    return hashlib.blake2b(text.encode(), digest_size=KEY_CHARS // 2).hexdigest()


def filters_text(filters: dict[str, list[str]]) -> str:
    """Chosen filters as canonical JSON ("" when none), e.g. {"section":["treating-lupus"]}."""
    chosen = {name: sorted(filters[name]) for name in FACETS if filters.get(name)}
    return json.dumps(chosen, separators=(",", ":"), sort_keys=True) if chosen else ""


@dataclass(frozen=True)
class SearchEvent:
    key: str
    query: str | None  # redacted; None for a crisis search (counted by its notice only)
    filters: str
    notice: str | None  # the urgent notice's id, if one was shown
    total: int
    relaxed: bool
    corrected: bool
    hour: int = 0

    @classmethod
    def of(cls, query: str, filters: dict[str, list[str]], *, total: int, relaxed: bool,
           corrected: bool, notice: str | None, crisis: bool) -> SearchEvent:
        """A search as it may be stored: its text redacted, or none at all for a crisis."""
        text = None if crisis else normalise(query)
        chosen = filters_text(filters)
        return cls(key=search_key(text, chosen, notice), query=text, filters=chosen,
                   notice=notice, total=total, relaxed=relaxed, corrected=corrected)

    def to_json(self) -> str:
        """The event without its hour (added when it is recorded), as ASCII JSON."""
        return json.dumps([self.key, self.query, self.filters, self.notice, self.total,
                           self.relaxed, self.corrected], separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str | bytes, hour: int) -> SearchEvent:
        key, query, filters, notice, total, relaxed, corrected = json.loads(text)
        return cls(key=str(key), query=None if query is None else str(query),
                   filters=str(filters), notice=None if notice is None else str(notice),
                   total=int(total), relaxed=bool(relaxed), corrected=bool(corrected),
                   hour=hour)


@dataclass(frozen=True)
class OpenedEvent:
    """A result opened from a search (the search's key and the page's URL)."""

    key: str
    url: str
    hour: int


@dataclass(frozen=True)
class FeedbackEvent:
    """"Was this page helpful?": helpful is True or False, or None for a reason given
    after a "No" (counted apart, so a No with a reason is still one No)."""

    page: str
    helpful: bool | None
    reason: str | None
    hour: int
