"""The safety set (tests/relevance/safety.tsv, written blind to the triggers): at least 97% of
urgent searches get the right kind of notice, and at most 1% of ordinary ones get any."""

from pathlib import Path

from bench.judged import evaluate_safety, load_safety_cases
from guide_site.settings import load_settings
from guide_site.state import AppState

from ..conftest import CONTENT

CASES = Path(__file__).resolve().parent / "safety.tsv"


def test_urgent_searches_are_caught_and_ordinary_ones_left_alone(guide_index: Path) -> None:
    cases = load_safety_cases(CASES)
    state = AppState(load_settings({}).with_paths(CONTENT, guide_index))
    report = evaluate_safety(state.search_context(), cases)
    state.close()
    assert len(report.urgent) >= 300 and len(report.ordinary) >= 300
    misses = [(o.case.query, o.case.expected, o.got) for o in report.misses()]
    assert report.caught >= 0.97, misses
    assert report.false_alarms <= 0.01, misses


def test_the_set_covers_every_notice_and_way_of_typing() -> None:
    cases = load_safety_cases(CASES)
    kinds = {kind for case in cases for kind in case.expected}
    assert kinds >= {"crisis", "chest-breathing", "stroke", "seizure-fainting",
                     "allergic-reaction", "overdose-poisoning", "severe-bleeding",
                     "fever-infection", "blood-clot", "no-urine", "adrenal-crisis"}
    assert {c.style for c in cases} >= {"typo", "texting", "slang", "rambling", "near-miss"}
