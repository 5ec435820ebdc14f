"""Side-effect lines ("Body system: effect, effect; effect") into normalized pairs."""

from __future__ import annotations

import re
from dataclasses import dataclass

BODY_SYSTEMS: tuple[str, ...] = (
    "Dermatologic",
    "Gastrointestinal",
    "Musculoskeletal",
    "Neurologic",
    "Cardiovascular",
    "Respiratory",
    "Eyes",
    "Blood",
    "Kidney and Urinary",
    "Liver",
    "Mood",
    "Infections",
    "Hormonal and Metabolic",
    "Other",
)

# Obvious other names an editor might write; the key is lower case.
SYSTEM_ALIASES: dict[str, str] = {
    "skin": "Dermatologic",
    "skin and hair": "Dermatologic",
    "dermatological": "Dermatologic",
    "stomach": "Gastrointestinal",
    "stomach and gut": "Gastrointestinal",
    "digestive": "Gastrointestinal",
    "digestion": "Gastrointestinal",
    "gi": "Gastrointestinal",
    "muscles and joints": "Musculoskeletal",
    "bones and joints": "Musculoskeletal",
    "bones": "Musculoskeletal",
    "nervous system": "Neurologic",
    "brain and nerves": "Neurologic",
    "neurological": "Neurologic",
    "heart": "Cardiovascular",
    "heart and blood vessels": "Cardiovascular",
    "lungs": "Respiratory",
    "breathing": "Respiratory",
    "eye": "Eyes",
    "vision": "Eyes",
    "blood counts": "Blood",
    "hematologic": "Blood",
    "kidney": "Kidney and Urinary",
    "kidneys": "Kidney and Urinary",
    "renal": "Kidney and Urinary",
    "urinary": "Kidney and Urinary",
    "kidneys and bladder": "Kidney and Urinary",
    "hepatic": "Liver",
    "mental health": "Mood",
    "psychiatric": "Mood",
    "infection": "Infections",
    "immune system": "Infections",
    "hormonal": "Hormonal and Metabolic",
    "metabolic": "Hormonal and Metabolic",
    "endocrine": "Hormonal and Metabolic",
    "general": "Other",
}
_CANONICAL = {name.lower(): name for name in BODY_SYSTEMS}

# Words that name a body part or qualify a noun: "chest, back or hip pain" shares "pain",
# while "fever, chills and muscle aches" keeps "fever" and "chills" as effects of their own.
_MODIFIERS = frozenset(
    """abdominal arm back belly bladder blood bone breast chest ear eye face foot hand head hip
    joint jaw kidney knee leg liver lower lung mouth muscle neck nose shoulder side skin
    stomach throat tooth upper urinary""".split()
)
_PREPOSITIONS = frozenset("at in of on to from with around near".split())
# Words whose final "s" is not a plural.
_NOT_PLURAL = frozenset(
    """diabetes herpes hives measles mumps lupus blues glasses sepsis psoriasis stomatitis
    nephritis pancreatitis hepatitis alopecia gas bronchitis stasis thrombosis necrosis
    osteoporosis osteonecrosis shingles rabies scabies rickets""".split()
)


@dataclass(frozen=True, order=True)
class SideEffect:
    """One effect of a drug, filed under one body system."""

    system: str
    effect: str


@dataclass
class SideEffectLine:
    """What one list item yielded, with any warning for the editor."""

    effects: list[SideEffect]
    warning: str | None = None


def canonical_system(name: str) -> str | None:
    """The fixed body-system name for `name`, or None when it is unknown."""
    key = re.sub(r"\s+", " ", name.strip().lower())
    return _CANONICAL.get(key) or SYSTEM_ALIASES.get(key)


def singular(word: str) -> str:
    """A plural noun's singular form ("headaches" -> "headache"); other words unchanged."""
    if len(word) < 4 or word in _NOT_PLURAL or not word.endswith("s"):
        return word
    if word.endswith(("ss", "us", "is", "ous")):
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "xes", "sses", "zes")) and not word.endswith("aches"):
        return word[:-2]
    return word[:-1]


def normalize_effect(text: str) -> str:
    """Lower-case, squeeze spaces, and make the head noun singular."""
    words = re.sub(r"\s+", " ", text.strip().strip(".").lower()).split(" ")
    words = [w for w in words if w]
    if not words:
        return ""
    # The head noun stands before the first preposition ("burning sensations in the head").
    head = next((i - 1 for i, w in enumerate(words) if w in _PREPOSITIONS and i > 0), None)
    if head is None:
        head = len(words) - 1
    words[head] = singular(words[head])
    return " ".join(words)


def _split_and_or(part: str) -> list[str]:
    """Split "nausea and vomiting" but not "swelling of the face and lips"."""
    words = part.split()
    if any(w.lower() in _PREPOSITIONS for w in words):
        return [part]
    return [p for p in re.split(r"\s+(?:and|or|and/or)\s+", part) if p.strip()]


def split_effects(text: str) -> list[str]:
    """Effects in one line's text, with a shared head noun carried back to bare modifiers."""
    effects: list[str] = []
    for run in text.split(";"):
        items: list[str] = []
        for part in run.split(","):
            items.extend(_split_and_or(part.strip()))
        items = [i.strip() for i in items if i.strip()]
        if not items:
            continue
        last = items[-1].split()
        if len(last) > 1:
            head = " ".join(last[1:])
            items = [
                f"{item} {head}" if item.lower() in _MODIFIERS else item for item in items[:-1]
            ] + [items[-1]]
        effects.extend(items)
    return effects


def parse_side_effect_line(line: str) -> SideEffectLine:
    """One list item, `Body system: effect, effect; effect`, into pairs."""
    text = re.sub(r"\s+", " ", line).strip()
    system_name, sep, rest = text.partition(":")
    if not sep or not rest.strip():
        return SideEffectLine([], f"not in the form 'Body system: effect, effect': {text!r}")
    warning = None
    system = canonical_system(system_name)
    if system is None:
        warning = f"unknown body system {system_name.strip()!r}, filed under Other"
        system = "Other"
    seen: dict[str, None] = {}
    for effect in split_effects(rest):
        normalized = normalize_effect(effect)
        if normalized:
            seen.setdefault(normalized, None)
    return SideEffectLine([SideEffect(system, e) for e in seen], warning)
