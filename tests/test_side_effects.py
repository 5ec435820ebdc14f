"""Side-effect lines into normalized (body system, effect) pairs."""

import pytest

from indexer.side_effects import (
    BODY_SYSTEMS,
    SYSTEM_LABELS,
    SideEffect,
    canonical_system,
    is_only_body_part,
    normalize_effect,
    parse_side_effect_line,
    singular,
    system_label,
)


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
        ("Other: swelling of the face, lips or tongue", ["swelling of the face lips or tongue"]),
        ("Other: swelling of the face, lips, fever", ["swelling of the face lips", "fever"]),
        ("Other: face, lip or tongue swelling", ["face swelling", "lip swelling",
                                                 "tongue swelling"]),
        ("Other: lips, gums and cheeks swelling", ["lip swelling", "gum swelling",
                                                   "cheek swelling"]),
        ("Other: pain in the chest, nausea", ["pain in the chest", "nausea"]),
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


def labels(line: str) -> list[str]:
    return [e.label for e in parse_side_effect_line(line).effects]


def test_labels_keep_the_pages_capitals_with_the_key_in_lower_case() -> None:
    parsed = parse_side_effect_line("Infections: PML, Hepatitis B flares; shingles")
    assert [e.effect for e in parsed.effects] == ["pml", "hepatitis b flare", "shingles"]
    assert [e.label for e in parsed.effects] == ["PML", "Hepatitis B flare", "Shingles"]
    assert labels("Other: swelling of the face, lips or tongue") == [
        "Swelling of the face, lips or tongue"]
    assert labels("Other: Allergies, headaches") == ["Allergy", "Headache"]
    # The label does not take part in equality: one effect, however it is written.
    assert SideEffect("Other", "pml", "PML") == SideEffect("Other", "pml", "Pml")


def test_the_key_has_no_commas_for_the_keyword_fields() -> None:
    assert "," not in normalize_effect("swelling of the face, lips or tongue")
    assert normalize_effect("Swelling of the face, lips or tongue") == normalize_effect(
        "swelling of the face lips or tongue")


def test_plain_labels_for_every_body_system_and_editors_may_write_them() -> None:
    assert set(SYSTEM_LABELS) == set(BODY_SYSTEMS)
    assert system_label("Dermatologic") == "Skin"
    assert system_label("Hormonal and Metabolic") == "Hormones and metabolism"
    for key, label in SYSTEM_LABELS.items():
        assert canonical_system(label) == key
        assert canonical_system(label.upper()) == key
    parsed = parse_side_effect_line("Lungs and breathing: cough")
    assert parsed.effects == [SideEffect("Respiratory", "cough")] and parsed.warning is None
    assert parse_side_effect_line("Mood and sleep: trouble sleeping").effects[0].system == "Mood"


def test_only_body_parts() -> None:
    assert [is_only_body_part(e) for e in ("lip", "lips", "the tongue", "upper arm", "chest")
            ] == [True, True, True, True, True]
    assert [is_only_body_part(e) for e in ("chest pain", "lip swelling", "rash", "")
            ] == [False, False, False, False]
