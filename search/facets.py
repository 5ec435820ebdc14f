"""Facet filters and counts, computed on document bitmasks of the live generation.

Within the section facet, chosen values widen (a page has one section); body systems and
side effects narrow (each chosen value must hold). Facets combine with AND. The section
counts ignore the section choice itself, so other sections can still be added.
"""

from __future__ import annotations

from dataclasses import dataclass

from indexer.sections import SECTIONS, section_title
from indexer.side_effects import BODY_SYSTEMS, canonical_system, normalize_effect, system_label
from search.generation import Snapshot

MAX_VALUES = 10  # chosen values per facet
EFFECTS_SHOWN = 25
FACETS = ("section", "system", "effect")


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


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))[:MAX_VALUES]


def normalize_filters(snapshot: Snapshot, raw: dict[str, list[str]]) -> dict[str, list[str]]:
    """Chosen values in their indexed form ("Treating Lupus" -> "treating-lupus")."""
    by_title = {title.casefold(): slug for slug, title in SECTIONS.items()}
    sections = [by_title.get(s.strip().casefold(), s.strip().lower()) for s in raw["sections"]]
    systems = [canonical_system(s) or s.strip() for s in raw["systems"]]
    effects = [normalize_effect(e) for e in raw["effects"]]
    return {"sections": _unique(sections), "systems": _unique(systems),
            "effects": _unique(effects)}


def filter_mask(snapshot: Snapshot, filters: dict[str, list[str]], *,
                skip_sections: bool = False) -> int:
    mask = snapshot.all_mask
    if filters["sections"] and not skip_sections:
        either = 0
        for slug in filters["sections"]:
            either |= snapshot.section_masks.get(slug, 0)
        mask &= either
    for system in filters["systems"]:
        mask &= snapshot.system_masks.get(system, 0)
    for effect in filters["effects"]:
        mask &= snapshot.effect_masks.get(effect, 0)
    return mask


def _counted(masks: dict[str, int], base: int, chosen: list[str], label) -> list[FacetValue]:
    values = []
    for value, mask in masks.items():
        count = (mask & base).bit_count()
        if count or value in chosen:
            values.append(FacetValue(value, label(value), count, value in chosen))
    for value in chosen:
        if value not in masks:
            values.append(FacetValue(value, label(value), 0, True))
    return values


def count_facets(snapshot: Snapshot, query_mask: int, filters: dict[str, list[str]]) -> FacetCounts:
    """Counts for each facet value over the pages the query (and other choices) match."""
    if not query_mask:
        sections = [FacetValue(s, section_title(s), 0, True) for s in filters["sections"]]
        return {"section": sections, "system": [], "effect": []}
    narrowed = query_mask & filter_mask(snapshot, filters)
    for_sections = query_mask & filter_mask(snapshot, filters, skip_sections=True)
    order = {slug: i for i, slug in enumerate(SECTIONS)}
    sections = _counted(snapshot.section_masks, for_sections, filters["sections"], section_title)
    sections.sort(key=lambda v: (order.get(v.value, 99), v.value))
    system_order = {name: i for i, name in enumerate(BODY_SYSTEMS)}
    systems = _counted(snapshot.system_masks, narrowed, filters["systems"], system_label)
    systems.sort(key=lambda v: (-v.count, system_order.get(v.value, 99)))
    effects = _counted(snapshot.effect_masks, narrowed, filters["effects"], snapshot.effect_label)
    effects.sort(key=lambda v: (not v.selected, -v.count, v.value))
    shown = [v for v in effects if v.selected] + [v for v in effects if not v.selected]
    return {"section": sections, "system": systems, "effect": shown[:EFFECTS_SHOWN]}
