"""Side-effect lines into normalized (body system, effect) pairs."""

import pytest

from indexer.side_effects import SideEffect, canonical_system, parse_side_effect_line, singular


def effects(line: str) -> list[str]:
    return [e.effect for e in parse_side_effect_line(line).effects]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Musculoskeletal: chest, back or hip pain", ["chest pain", "back pain", "hip pain"]),
        ("Musculoskeletal: joint and muscle pain", ["joint pain", "muscle pain"]),
        ("Neurologic: fever, chills and muscle aches", ["fever", "chill", "muscle ache"]),
        ("Gastrointestinal: nausea and vomiting", ["nausea", "vomiting"]),
        ("Respiratory: chest infections", ["chest infection"]),
        ("Neurologic: headaches; Dizziness", ["headache", "dizziness"]),
        ("Other: swelling of the face and lips", ["swelling of the face and lips"]),
        ("Other: burning sensations in the head", ["burning sensation in the head"]),
        ("Dermatologic: hives, rashes, bruises", ["hives", "rash", "bruise"]),
    ],
)
def test_effects_are_split_shared_and_singular(line: str, expected: list[str]) -> None:
    assert effects(line) == expected


def test_aliases_and_unknown_systems() -> None:
    assert canonical_system("Skin") == "Dermatologic"
    assert canonical_system("kidney and urinary") == "Kidney and Urinary"
    parsed = parse_side_effect_line("Funny bones: odd feeling")
    assert parsed.effects == [SideEffect("Other", "odd feeling")]
    assert "unknown body system" in (parsed.warning or "")


def test_lines_not_in_the_form_are_reported() -> None:
    parsed = parse_side_effect_line("just some words")
    assert parsed.effects == []
    assert "not in the form" in (parsed.warning or "")


def test_singular_leaves_non_plurals_alone() -> None:
    assert [singular(w) for w in ("dizziness", "lupus", "diabetes", "aches", "allergies")] == [
        "dizziness", "lupus", "diabetes", "ache", "allergy"]
