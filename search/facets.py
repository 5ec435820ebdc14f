"""Facet filters and counts, computed on document bitmasks of the live generation.

Within the section facet, chosen values widen (a page has one section); body systems and
side effects narrow (each chosen value must hold). Facets combine with AND. The section
counts ignore the section choice itself: choosing a section's value replaces the one chosen,
so its count is the total its link gives (see guide_site's search view).
"""

from __future__ import annotations

from dataclasses import dataclass

from indexer.sections import SECTIONS, section_title
from indexer.side_effects import BODY_SYSTEMS, system_label
from search.filters import Filters
from search.generation import Generation

EFFECTS_SHOWN = 25
SECTION_ORDER = {slug: i for i, slug in enumerate(SECTIONS)}  # as the guide lists them
SYSTEM_ORDER = {name: i for i, name in enumerate(BODY_SYSTEMS)}  # ties among equal counts


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False

    def as_dict(self) -> dict:
        # Not dataclasses.asdict: it deep-copies, and a results page has dozens of these.
        return {"value": self.value, "label": self.label, "count": self.count,
                "selected": self.selected}


FacetCounts = dict[str, list[FacetValue]]


def filter_mask(generation: Generation, filters: Filters, *, skip_sections: bool = False) -> int:
    """The pages the choices allow: any of the sections, every body system and effect."""
    mask = generation.all_mask
    if filters.section and not skip_sections:
        either = 0
        for slug in filters.section:
            either |= generation.section_masks.get(slug, 0)
        mask &= either
    for system in filters.system:
        mask &= generation.system_masks.get(system, 0)
    for effect in filters.effect:
        mask &= generation.effect_masks.get(effect, 0)
    return mask


def _counted(masks: dict[str, int], base: int, chosen: tuple[str, ...], label
             ) -> list[FacetValue]:
    values = []
    for value, mask in masks.items():
        count = (mask & base).bit_count()
        if count or value in chosen:
            values.append(FacetValue(value, label(value), count, value in chosen))
    for value in chosen:
        if value not in masks:
            values.append(FacetValue(value, label(value), 0, True))
    return values


def count_facets(generation: Generation, query_mask: int, filters: Filters, narrowed: int
                 ) -> FacetCounts:
    """Counts for each facet value over the pages the query (and other choices) match;
    `narrowed` is the query's pages that every choice allows (the search has it already)."""
    if not query_mask:
        sections = [FacetValue(s, section_title(s), 0, True) for s in filters.section]
        return {"section": sections, "system": [], "effect": []}
    for_sections = query_mask & filter_mask(generation, filters, skip_sections=True)
    sections = _counted(generation.section_masks, for_sections, filters.section, section_title)
    sections.sort(key=lambda v: (SECTION_ORDER.get(v.value, 99), v.value))
    systems = _counted(generation.system_masks, narrowed, filters.system, system_label)
    systems.sort(key=lambda v: (-v.count, SYSTEM_ORDER.get(v.value, 99)))
    effects = _counted(generation.effect_masks, narrowed, filters.effect,
                       generation.effect_label)
    effects.sort(key=lambda v: (not v.selected, -v.count, v.value))
    shown = [v for v in effects if v.selected] + [v for v in effects if not v.selected]
    return {"section": sections, "system": systems, "effect": shown[:EFFECTS_SHOWN]}
