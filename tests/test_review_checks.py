"""`lupus-guide check` on review dates, Sources and side-effect wording (issue 14), on
fixture pages in a temp content folder."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from indexer.check import Problem, check_content, effect_words, years_after

TODAY = date(2026, 12, 1)
GOOD_SOURCES = (
    '<li><a href="https://medlineplus.gov/lupus.html">MedlinePlus: Lupus</a></li>'
    '<li><a href="https://www.niams.nih.gov/health-topics/lupus">NIAMS: Lupus</a></li>'
)
FILLER = ("Rest helps your body heal. Gentle walks keep your joints moving. Ask your doctor "
          "about anything that worries you. ") * 25


def page_html(title: str, *, last: str | None = "2026-12-01", next_: str | None = "2028-12-01",
              sources: str | None = GOOD_SOURCES, drug: str = "", effects: str = "") -> str:
    head = (f'<title>{title}</title>'
            f'<meta name="description" content="About {title} in plain words.">')
    if last is not None:
        head += f'<meta name="last-reviewed" content="{last}">'
    if next_ is not None:
        head += f'<meta name="next-review" content="{next_}">'
    if drug:
        head += f'<meta name="drug" content="{drug}">'
    body = f"<h1>{title}</h1><p>{FILLER}</p>"
    if effects:
        body += (f"<h2>Possible Side Effects</h2><ul>{effects}</ul>"
                 "<h2>Call Your Doctor Right Away If</h2><ul><li>you feel very unwell</li></ul>")
    if sources is not None:
        body += f'<h2 id="sources">Sources</h2><ul>{sources}</ul>'
    return f"<html><head>{head}</head><body><article>{body}</article></body></html>"


def write(content: Path, relative: str, html: str) -> None:
    path = content / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html)


def problems_of(content: Path, relative: str, today: date = TODAY) -> list[Problem]:
    _, problems = check_content(content, today=today)
    return [p for p in problems if p.path == relative]


def messages(problems: list[Problem], level: str) -> list[str]:
    return [p.message for p in problems if p.level == level]


@pytest.fixture
def content(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    write(folder, "pages/about-us.html", page_html("About Us", last=None, next_=None,
                                                   sources=None))
    return folder


def test_a_page_with_dates_and_two_https_sources_passes(content: Path) -> None:
    write(content, "living-with-lupus/rest.html", page_html("Rest"))
    assert problems_of(content, "living-with-lupus/rest.html") == []


def test_the_sites_own_pages_need_no_review_metadata(content: Path) -> None:
    assert problems_of(content, "pages/about-us.html") == []


@pytest.mark.parametrize(("last", "next_", "missing"), [
    (None, "2028-12-01", "no last-reviewed date"),
    ("2026-12-01", None, "no next-review date"),
])
def test_a_missing_date_is_an_error(content: Path, last, next_, missing: str) -> None:
    write(content, "living-with-lupus/rest.html", page_html("Rest", last=last, next_=next_))
    errors = messages(problems_of(content, "living-with-lupus/rest.html"), "error")
    assert any(missing in m for m in errors), errors


def test_a_malformed_date_is_one_error_naming_the_value(content: Path) -> None:
    write(content, "living-with-lupus/rest.html", page_html("Rest", last="01/12/2026"))
    errors = messages(problems_of(content, "living-with-lupus/rest.html"), "error")
    assert [m for m in errors if "last-reviewed" in m] == [
        m for m in errors if "'01/12/2026'" in m]
    assert len([m for m in errors if "last-reviewed" in m]) == 1


def test_next_review_at_most_three_years_after_the_last(content: Path) -> None:
    write(content, "living-with-lupus/ok.html", page_html("Ok", next_="2029-12-01"))
    write(content, "living-with-lupus/far.html", page_html("Far", next_="2029-12-02"))
    assert messages(problems_of(content, "living-with-lupus/ok.html"), "error") == []
    errors = messages(problems_of(content, "living-with-lupus/far.html"), "error")
    assert any("more than 3 years" in m for m in errors), errors


def test_drug_pages_are_reviewed_every_year(content: Path) -> None:
    effects = "<li>Gastrointestinal: nausea, diarrhea</li><li>Other: tiredness</li>"
    write(content, "treating-lupus/yearly.html",
          page_html("Yearly", drug="Yearly", next_="2027-12-01", effects=effects))
    write(content, "treating-lupus/late.html",
          page_html("Late", drug="Late", next_="2027-12-02", effects=effects))
    assert messages(problems_of(content, "treating-lupus/yearly.html"), "error") == []
    errors = messages(problems_of(content, "treating-lupus/late.html"), "error")
    assert any("more than 1 year after" in m for m in errors), errors


def test_overdue_is_an_error_and_due_within_30_days_a_warning(content: Path) -> None:
    write(content, "living-with-lupus/rest.html",
          page_html("Rest", last="2025-01-10", next_="2026-12-20"))
    relative = "living-with-lupus/rest.html"
    soon = problems_of(content, relative, today=date(2026, 12, 1))
    assert messages(soon, "error") == []
    assert any("within 30 days" in m for m in messages(soon, "warning"))
    calm = problems_of(content, relative, today=date(2026, 11, 19))
    assert calm == []
    thirty_days_ahead = problems_of(content, relative, today=date(2026, 11, 20))
    assert any("within 30 days" in m for m in messages(thirty_days_ahead, "warning"))
    on_the_day = problems_of(content, relative, today=date(2026, 12, 20))
    assert any("within 30 days" in m for m in messages(on_the_day, "warning"))
    late = problems_of(content, relative, today=date(2026, 12, 21))
    assert any("overdue: review it" in m for m in messages(late, "error"))


def test_today_defaults_to_the_real_date(content: Path) -> None:
    write(content, "living-with-lupus/old.html",
          page_html("Old", last="2020-01-01", next_="2021-01-01"))
    _, problems = check_content(content)  # no today given: 2021 is long past
    assert any("overdue" in p.message for p in problems if p.level == "error")


@pytest.mark.parametrize(("sources", "expected"), [
    ("", "0 sources listed"),
    ('<li><a href="https://www.nhs.uk/conditions/lupus/">NHS: Lupus</a></li>', "1 source listed"),
    (GOOD_SOURCES + '<li><a href="http://www.cdc.gov/lupus/">CDC: Lupus</a></li>',
     "'CDC: Lupus' is not an https:// link"),
    (GOOD_SOURCES + '<li><a href="/other-drugs/ivig">Our IVIG page</a></li>',
     "'Our IVIG page' is not an https:// link"),
    (GOOD_SOURCES + "<li>A leaflet from the clinic</li>",
     "'A leaflet from the clinic' has no link"),
])
def test_sources_rules(content: Path, sources: str, expected: str) -> None:
    write(content, "living-with-lupus/rest.html", page_html("Rest", sources=sources))
    errors = messages(problems_of(content, "living-with-lupus/rest.html"), "error")
    assert any(expected in m for m in errors), errors


def test_a_page_without_a_sources_section_is_an_error(content: Path) -> None:
    write(content, "living-with-lupus/rest.html", page_html("Rest", sources=None))
    errors = messages(problems_of(content, "living-with-lupus/rest.html"), "error")
    assert any("0 sources listed" in m for m in errors), errors


def test_source_links_are_not_checked_as_internal_links(content: Path) -> None:
    sources = GOOD_SOURCES + '<li><a href="https://www.nhs.uk/">NHS</a></li>'
    write(content, "living-with-lupus/rest.html", page_html("Rest", sources=sources))
    assert problems_of(content, "living-with-lupus/rest.html") == []


def test_an_effect_that_is_only_a_body_part_is_an_error(content: Path) -> None:
    effects = ("<li>Dermatologic: rash; lips; the tongue</li>"
               "<li>Other: swelling of the face, lips or tongue; chest</li>")
    write(content, "treating-lupus/parts.html",
          page_html("Parts", drug="Parts", next_="2027-12-01", effects=effects))
    errors = messages(problems_of(content, "treating-lupus/parts.html"), "error")
    only = sorted(m.split("'")[1] for m in errors if "only a part of the body" in m)
    assert only == ["chest", "lip", "the tongue"]


def test_near_duplicate_effects_across_pages_are_warnings(content: Path) -> None:
    write(content, "treating-lupus/one.html", page_html(
        "One", drug="One", next_="2027-12-01",
        effects="<li>Kidney and Urinary: blood in the urine</li><li>Gastrointestinal: "
                "upset stomach, nausea</li>"))
    write(content, "treating-lupus/two.html", page_html(
        "Two", drug="Two", next_="2027-12-01",
        effects="<li>Kidney and Urinary: blood in urine</li><li>Gastrointestinal: "
                "stomach upset, nausea</li>"))
    one = messages(problems_of(content, "treating-lupus/one.html"), "warning")
    two = messages(problems_of(content, "treating-lupus/two.html"), "warning")
    assert any("'blood in the urine' is also written 'blood in urine'" in m for m in one), one
    assert any("'upset stomach' is also written 'stomach upset'" in m for m in one), one
    assert any("'stomach upset' is also written 'upset stomach' on treating-lupus/one.html"
               in m for m in two), two
    assert not any("nausea" in m for m in one + two)


def test_effect_words_ignore_articles_plurals_and_order() -> None:
    assert effect_words("blood in the urine") == effect_words("blood in urine")
    assert effect_words("upset stomach") == effect_words("stomach upsets")
    assert effect_words("chest pain") != effect_words("chest")


def test_years_after_keeps_the_day_or_falls_back_to_28_february() -> None:
    assert years_after(date(2026, 12, 1), 3) == date(2029, 12, 1)
    assert years_after(date(2028, 2, 29), 1) == date(2029, 2, 28)


@pytest.mark.slow  # the lupus-guide command in a subprocess
def test_the_cli_reports_review_errors_by_file(content: Path) -> None:
    write(content, "living-with-lupus/rest.html", page_html("Rest", sources=""))
    result = subprocess.run([sys.executable, "-m", "indexer.cli", "check", "--content",
                             str(content)], capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "living-with-lupus/rest.html" in result.stdout + result.stderr
    assert "0 sources listed" in result.stdout + result.stderr
