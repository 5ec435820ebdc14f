"""The guide's content has the shape the issue asks for (issue 2)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from indexer.check import MAX_GRADE, check_content, reading_grade
from indexer.page import Page, parse_page
from indexer.sections import SECTIONS, SITE_PAGES_FOLDER

from .conftest import CONTENT

REQUIRED = {
    "lupus-symptoms": ["overview", "fatigue", "joint-and-muscle-pain",
                       "skin-rashes-and-sun-sensitivity", "hair-loss", "mouth-and-nose-sores",
                       "kidney-problems", "heart-and-lung-problems", "blood-problems",
                       "brain-and-nerves", "raynauds-phenomenon", "flares-and-warning-signs"],
    "diagnosing-lupus": ["how-lupus-is-diagnosed", "ana-test", "other-antibody-tests",
                         "complement-and-blood-tests", "urine-tests-and-kidney-biopsy",
                         "classification-criteria", "conditions-that-look-like-lupus",
                         "seeing-a-rheumatologist"],
    "treating-lupus": ["overview", "hydroxychloroquine", "corticosteroids", "nsaids",
                       "methotrexate", "azathioprine", "mycophenolate", "belimumab",
                       "anifrolumab", "voclosporin", "cyclophosphamide"],
    "other-drugs": ["ivig", "anticoagulants", "topical-treatments", "pain-relievers",
                    "calcium-vitamin-d-and-bone-protection", "blood-pressure-medicines"],
    "psychological-issues": ["depression", "anxiety", "coping-with-chronic-illness",
                             "sleep-problems", "stress", "talking-with-family-friends-and-work",
                             "finding-support"],
    "living-with-lupus": ["diet", "exercise", "sun-protection", "pregnancy-and-birth-control",
                          "work-and-school", "travel", "infections-and-vaccines",
                          "managing-flares", "getting-the-most-from-appointments"],
    SITE_PAGES_FOLDER: ["about-us", "contact-us", "legal-disclaimer", "resources"],
}


@pytest.fixture(scope="module")
def pages() -> list[Page]:
    return [parse_page(path, CONTENT) for path in sorted(CONTENT.glob("*/*.html"))]


def test_every_required_topic_has_a_page() -> None:
    missing = [f"{folder}/{name}.html" for folder, names in REQUIRED.items() for name in names
               if not (CONTENT / folder / f"{name}.html").is_file()]
    assert missing == []
    assert {p.name for p in CONTENT.iterdir() if p.is_dir()} == {*SECTIONS, SITE_PAGES_FOLDER}


def test_at_least_fifty_guide_pages_of_300_to_900_words(pages: list[Page]) -> None:
    guide = [p for p in pages if p.section]
    assert len(guide) >= 50
    assert {p.path: len(p.body.split()) for p in guide
            if not 300 <= len(p.body.split()) <= 900} == {}


def test_every_page_has_title_description_and_section(pages: list[Page]) -> None:
    for page in pages:
        assert page.title and page.description, page.path
        assert len(page.description) >= 40, page.path
        expected = "" if page.path.startswith(SITE_PAGES_FOLDER) else page.path.split("/")[0]
        assert page.section == expected


def test_no_two_pages_share_a_title(pages: list[Page]) -> None:
    counts = Counter(p.title.casefold() for p in pages)
    assert [t for t, n in counts.items() if n > 1] == []


def test_reading_grade_is_nine_at_most(pages: list[Page]) -> None:
    grades = {p.path: round(reading_grade(p), 1) for p in pages}
    assert {path: g for path, g in grades.items() if g > MAX_GRADE} == {}
    assert sum(grades.values()) / len(grades) <= 8


def test_drug_pages_have_side_effect_lists_that_parse(pages: list[Page]) -> None:
    drugs = [p for p in pages if p.drug]
    assert len(drugs) >= 17
    for page in drugs:
        assert len(page.side_effects) >= 3, page.path
        assert page.warning_signs, page.path
        assert not [w for w in page.warnings if "side effects" in w], page.path
        assert page.keywords, page.path


def test_every_health_page_says_when_to_get_help(pages: list[Page]) -> None:
    for page in pages:
        text = page.body.lower()
        if page.section:
            assert "doctor" in text, page.path
    emergency = [p for p in pages if "911" in p.body or "emergency" in p.body.lower()]
    assert len(emergency) >= 40


def test_ivig_page_carries_the_seed_facts(pages: list[Page]) -> None:
    ivig = next(p for p in pages if p.path == "other-drugs/ivig.html")
    text = ivig.body.lower()
    for fact in ("plasma", "donor", "infusion center", "pharmacy", "hours", "vasculitis",
                 "immune complex", "infection", "headache", "hives", "wheez", "swelling"):
        assert fact in text, fact


def test_the_checker_finds_no_errors() -> None:
    _, problems = check_content(CONTENT)
    assert [p for p in problems if p.level == "error"] == []


def test_the_checker_reports_problems_by_file(tmp_path: Path) -> None:
    section = tmp_path / "treating-lupus"
    section.mkdir()
    long_words = " ".join(["Immunosuppressive pharmacotherapeutic interventions necessitate "
                           "comprehensive haematological surveillance."] * 30)
    (section / "a.html").write_text(
        "<html><head><title>Alpha</title></head><body><article><h1>Alpha</h1>"
        f"<p>{long_words}</p><p><a href='/treating-lupus/nowhere'>x</a></p>"
        "<h2>Possible Side Effects</h2><ul><li>Nonsense line</li></ul></article></body></html>")
    (section / "b.html").write_text(
        "<html><head><title>Alpha</title><meta name='description' content='A page that "
        "repeats a title used elsewhere in the guide.'></head><body><h1>Alpha</h1><p>"
        + "Short words here. " * 30 + "</p></body></html>")
    _, problems = check_content(tmp_path)
    found = {(p.path, p.message.split(" ")[0]) for p in problems if p.level == "error"}
    assert ("treating-lupus/a.html", "no") in found  # no description
    assert ("treating-lupus/a.html", "reading") in found
    assert ("treating-lupus/a.html", "broken") in found
    assert ("treating-lupus/a.html", "side") in found
    assert ("treating-lupus/b.html", "title") in found
