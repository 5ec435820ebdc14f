"""Filters: the facet values a search is narrowed to, as one value.

Each facet has one name everywhere: in the URL (`section=`), in query syntax (`section:`),
in JSON (`facets.section`) and in the form's hidden inputs. A page has one section, so
sections widen each other (any of them); body systems and side effects narrow (all of them).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace

from indexer.sections import SECTIONS
from indexer.side_effects import canonical_system, normalize_effect

FACETS = ("section", "system", "effect")  # the facets, in the order they are shown
MAX_VALUES = 10  # chosen values per facet


def _unique(values: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in values if v))[:MAX_VALUES]


_SECTION_BY_TITLE = {title.casefold(): slug for slug, title in SECTIONS.items()}


def _section(value: str) -> str:
    """A section by slug or title ("Treating Lupus" -> "treating-lupus")."""
    return _SECTION_BY_TITLE.get(value.strip().casefold(), value.strip().lower())


# How a value a person chose becomes the form the index holds.
NORMALIZE: dict[str, Callable[[str], str]] = {
    "section": _section,
    "system": lambda value: canonical_system(value) or value.strip(),
    "effect": normalize_effect,
}


@dataclass(frozen=True)
class Filters:
    section: tuple[str, ...] = ()
    system: tuple[str, ...] = ()
    effect: tuple[str, ...] = ()

    @classmethod
    def of(cls, values: Mapping[str, list[str]]) -> Filters:
        """Chosen values in their indexed form, duplicates and empty values dropped."""
        return cls(**{name: _unique([NORMALIZE[name](v) for v in values.get(name, ())])
                      for name in FACETS})

    def __iter__(self) -> Iterator[tuple[str, tuple[str, ...]]]:
        """(facet, chosen values) for each facet."""
        return iter((name, getattr(self, name)) for name in FACETS)

    def __bool__(self) -> bool:
        return any(values for _, values in self)

    def chosen(self, name: str) -> tuple[str, ...]:
        return getattr(self, name)

    def with_values(self, name: str, values: list[str] | tuple[str, ...]) -> Filters:
        return replace(self, **{name: tuple(values)})

    def merged(self, other: Filters) -> Filters:
        """Both sets of choices (query syntax `section:...` adds to the URL's). Both are in
        their indexed form already (made by `of`), so they are only joined."""
        return Filters(**{name: _unique([*values, *other.chosen(name)])
                          for name, values in self})

    def query_pairs(self) -> list[tuple[str, str]]:
        """As URL parameters: [("section", "treating-lupus"), ...]."""
        return [(name, value) for name, values in self for value in values]

    def as_dict(self) -> dict[str, list[str]]:
        return {name: list(values) for name, values in self}
