"""Urgent-care notices (content/safety.toml) shown above results for emergency searches."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass

from guide_site.synonyms import words_of


@dataclass(frozen=True)
class Notice:
    id: str
    title: str
    message: str
    phrases: tuple[str, ...]

    def as_dict(self) -> dict:
        return {"id": self.id, "title": self.title, "message": self.message}


def parse_notices(text: str) -> list[Notice]:
    data = tomllib.loads(text)
    notices = []
    for item in data.get("notice", []):
        phrases = tuple(" ".join(words_of(p)) for p in item.get("phrases", []) if words_of(p))
        notices.append(Notice(str(item["id"]), str(item["title"]), str(item["message"]), phrases))
    return notices


def notice_for(query: str, notices: list[Notice]) -> Notice | None:
    """The first notice with a phrase standing as whole words in the query."""
    padded = f" {' '.join(words_of(query))} "
    for notice in notices:
        if any(f" {phrase} " in padded for phrase in notice.phrases):
            return notice
    return None
