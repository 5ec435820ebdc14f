"""Side-effect lines ("Body system: effect, effect; effect") into normalized pairs."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

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

# What people see for each body system; the keys stay in URLs, query parameters, the index
# and JSON values. Editors may write either in a page's list.
SYSTEM_LABELS: dict[str, str] = {
    "Dermatologic": "Skin",
    "Gastrointestinal": "Stomach and gut",
    "Musculoskeletal": "Muscles and joints",
    "Neurologic": "Brain and nerves",
    "Cardiovascular": "Heart and blood vessels",
    "Respiratory": "Lungs and breathing",
    "Eyes": "Eyes",
    "Blood": "Blood",
    "Kidney and Urinary": "Kidneys and bladder",
    "Liver": "Liver",
    "Mood": "Mood and sleep",
    "Infections": "Infections",
    "Hormonal and Metabolic": "Hormones and metabolism",
    "Other": "Other",
}

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
_CANONICAL = {
    **{label.lower(): key for key, label in SYSTEM_LABELS.items()},
    **{name.lower(): name for name in BODY_SYSTEMS},
}

# Parts of the body (singular). An effect that is only one of these ("lip") says nothing
# about what happens to it, and `lupus-guide check` reports it.
BODY_PARTS = frozenset(
    """ankle arm back belly bladder bone breast cheek chest ear elbow eye eyelid face finger
    foot gum hand head hip jaw joint kidney knee leg lip liver lung mouth muscle nail neck nose
    scalp shoulder skin stomach thigh throat toe tongue tooth wrist""".split()
)
# Words that name a body part or qualify a noun: "chest, back or hip pain" shares "pain",
# while "fever, chills and muscle aches" keeps "fever" and "chills" as effects of their own.
_MODIFIERS = BODY_PARTS | frozenset("abdominal blood lower side upper urinary".split())
_PLACE_WORDS = frozenset("the a an your left right upper lower both".split())
_PREPOSITIONS = frozenset("at in of on to from with around near".split())
_CONJUNCTIONS = frozenset("and or and/or".split())
# Words whose final "s" is not a plural.
_NOT_PLURAL = frozenset(
    """diabetes herpes hives measles mumps lupus blues glasses sepsis psoriasis stomatitis
    nephritis pancreatitis hepatitis alopecia gas bronchitis stasis thrombosis necrosis
    osteoporosis osteonecrosis shingles rabies scabies rickets""".split()
)


@dataclass(frozen=True, order=True)
class SideEffect:
    """One effect of a drug, filed under one body system: `effect` is the key (lower case,
    singular), `label` the same words with the capitals the page wrote ("PML")."""

    system: str
    effect: str
    label: str = field(default="", compare=False)


@dataclass
class SideEffectLine:
    """What one list item yielded, with any warning for the editor."""

    effects: list[SideEffect]
    warning: str | None = None


def canonical_system(name: str) -> str | None:
    """The fixed body-system name (key) for `name`, a key, a label or an alias, or None."""
    key = re.sub(r"\s+", " ", name.strip().lower())
    return _CANONICAL.get(key) or SYSTEM_ALIASES.get(key)


def system_label(system: str) -> str:
    """The plain label people see for a body-system key (an unknown key as it is)."""
    return SYSTEM_LABELS.get(system, system)


def default_label(effect: str) -> str:
    """An effect key shown with a capital first letter, when no page's spelling is known."""
    return effect[:1].upper() + effect[1:]


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


def _key_and_label(text: str) -> tuple[str, str]:
    """An effect's key (lower case, no commas, head noun singular) and its display label
    (the same words as written, with the head noun singular and a capital first letter)."""
    written = re.sub(r"\s+", " ", text.strip().strip(".")).split(" ")
    written = [w for w in written if w.strip(",")]
    words = [w.strip(",").lower() for w in written]
    if not words:
        return "", ""
    # The head noun stands before the first preposition ("burning sensations in the head").
    head = next((i - 1 for i, w in enumerate(words) if w in _PREPOSITIONS and i > 0), None)
    if head is None:
        head = len(words) - 1
    one = singular(words[head])
    if one != words[head]:
        words[head] = one
        comma = "," if written[head].endswith(",") else ""
        kept = written[head].rstrip(",")
        written[head] = (kept[: len(one)] if kept[: len(one)].lower() == one else one) + comma
    label = " ".join(written)
    return " ".join(words), default_label(label)


def normalize_effect(text: str) -> str:
    """Lower-case, squeeze spaces, drop commas, and make the head noun singular."""
    return _key_and_label(text)[0]


def is_only_body_part(effect: str) -> bool:
    """Whether an effect names only a part of the body ("lip", "the chest")."""
    words = [singular(w) for w in effect.lower().split() if w not in _PLACE_WORDS]
    return bool(words) and all(w in BODY_PARTS for w in words)


def _only_body_parts(part: str) -> bool:
    """ "lips or tongue": body parts joined by and/or, continuing an "of" phrase."""
    words = [w.lower() for w in part.split() if w.lower() not in _CONJUNCTIONS]
    return is_only_body_part(" ".join(words))


def _has_preposition(part: str) -> bool:
    return any(w.lower() in _PREPOSITIONS for w in part.split())


def _split_and_or(part: str) -> list[str]:
    """Split "nausea and vomiting" but not "swelling of the face and lips"."""
    if _has_preposition(part):
        return [part]
    return [p for p in re.split(r"\s+(?:and|or|and/or)\s+", part) if p.strip()]


def _one(word: str) -> str:
    """A body part in the singular, as written otherwise ("Lips swelling" -> "Lip swelling")."""
    one = singular(word.lower())
    if one == word.lower() or one not in _MODIFIERS:
        return word
    return word[: len(one)] if word[: len(one)].lower() == one else one


def split_effects(text: str) -> list[str]:
    """Effects in one line's text, with a shared head noun carried back to bare modifiers."""
    effects: list[str] = []
    for run in text.split(";"):
        # "swelling of the face, lips or tongue": body parts after an "of" phrase continue it.
        parts: list[str] = []
        for part in (p.strip() for p in run.split(",")):
            if parts and _has_preposition(parts[-1]) and _only_body_parts(part):
                parts[-1] = f"{parts[-1]}, {part}"
            elif part:
                parts.append(part)
        items: list[str] = []
        for part in parts:
            items.extend(_split_and_or(part))
        items = [i.strip() for i in items if i.strip()]
        if not items:
            continue
        last = items[-1].split()
        if len(last) > 1:
            head = " ".join(last[1:])
            items = [
                f"{_one(item)} {head}" if singular(item.lower()) in _MODIFIERS else item
                for item in items[:-1]
            ] + [" ".join([_one(last[0]), head])]
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
    seen: dict[str, str] = {}
    for effect in split_effects(rest):
        key, label = _key_and_label(effect)
        if key:
            seen.setdefault(key, label)
    return SideEffectLine([SideEffect(system, e, label) for e, label in seen.items()], warning)
