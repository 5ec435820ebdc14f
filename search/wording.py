"""How the site words numbers, dates and side-effect addresses for people: "1 drug",
"1 December 2026", "/side-effects/hepatitis-b-flare"."""

from __future__ import annotations

from datetime import date

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """A number with its noun in the right form: "1 drug", "2 drugs"."""
    return f"{count} {noun if count == 1 else plural or noun + 's'}"


def date_in_words(iso: str) -> str:
    """An ISO date in words, the same in every locale: "2026-12-01" -> "1 December 2026"."""
    day = date.fromisoformat(iso)
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def effect_slug(effect: str) -> str:
    """A side-effect key as its page's address names it: "nausea/vomiting" ->
    "nausea-vomiting" (every link to an effect page is made with it)."""
    return "-".join(effect.lower().replace("/", " ").split())
