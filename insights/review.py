"""The review calendar: pages whose next review is due within a window, and overdue ones,
from the review dates each page carries (`<meta name="next-review">`, stored in the index)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from indexer import schema

REVIEW_WINDOW_DAYS = 60  # the calendar lists pages due within this many days, and overdue ones


@dataclass(frozen=True)
class ReviewPage:
    url: str
    title: str
    path: str  # the page's file, relative to the content folder
    last_reviewed: date | None
    next_review: date | None


def date_of(value: object) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) and value else None
    except ValueError:
        return None


def pages_from_stored(all_fields: Iterable[dict]) -> list[ReviewPage]:
    """Every page from the index's stored fields (`searcher.all_stored_fields()`)."""
    return sorted((ReviewPage(url=f.get(schema.URL, ""), title=f.get(schema.TITLE, ""),
                              path=f.get(schema.PATH, ""),
                              last_reviewed=date_of(f.get(schema.LAST_REVIEWED)),
                              next_review=date_of(f.get(schema.NEXT_REVIEW)))
                   for f in all_fields), key=lambda p: p.url)


def due_for_review(pages: Iterable[ReviewPage], today: date,
                   window_days: int = REVIEW_WINDOW_DAYS) -> list[dict]:
    """Pages due within `window_days` or overdue, soonest (most overdue) first; `days` is
    negative for an overdue page."""
    due = []
    for page in pages:
        if page.next_review is None:
            continue
        days = (page.next_review - today).days
        if days <= window_days:
            due.append({"page": page.url, "title": page.title, "path": page.path,
                        "next_review": page.next_review.isoformat(), "days": days,
                        "status": "overdue" if days < 0 else "due"})
    return sorted(due, key=lambda p: (p["days"], p["page"]))
