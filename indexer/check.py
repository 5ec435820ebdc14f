"""Content checks for editors: everything that would make a page wrong, without writing."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from pathlib import Path

import textstat

from indexer.build import parse_files, scan_content
from indexer.page import LAST_REVIEWED_META, NEXT_REVIEW_META, Page, PageError
from indexer.safety_check import safety_problems
from indexer.sections import SECTIONS, SITE_PAGES_FOLDER
from indexer.side_effects import is_only_body_part, singular

MAX_GRADE = 9.0  # the bound every page is held to
TARGET_GRADE = 8.0  # what we aim for
WORDS = (300, 900)
# Routes of the site itself that pages may link to.
SITE_ROUTES = ("/", "/search", "/side-effects", "/drugs", "/sitemap")
# Review rules: how far ahead the next review may be set, and when to start warning.
REVIEW_YEARS = 3
DRUG_REVIEW_YEARS = 1  # drug pages (with <meta name="drug">): facts change faster
DUE_SOON_DAYS = 30
MIN_SOURCES = 2
_ARTICLES = frozenset(("a", "an", "the"))


@dataclass(frozen=True)
class Problem:
    path: str
    level: str  # "error" or "warning"
    message: str

    def as_dict(self) -> dict:
        return asdict(self)


def reading_grade(page: Page) -> float:
    """Flesch-Kincaid grade of the page's paragraphs (lists of names have no sentences)."""
    return float(textstat.flesch_kincaid_grade(page.prose)) if page.prose.strip() else 0.0


def years_after(day: date, years: int) -> date:
    """The same day `years` later (28 February for a 29 February in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _is_date_warning(warning: str, meta: str) -> bool:
    """Whether `warning` is indexer.page.review_date's: a date for `meta` it could not read."""
    return warning.startswith(f"{meta} date ")


def _bad_date(page: Page, meta: str) -> bool:
    """Whether the page wrote a date for `meta` that could not be read (already reported)."""
    return any(_is_date_warning(w, meta) for w in page.warnings)


def review_problems(page: Page, today: date) -> list[tuple[str, str]]:
    """(level, message) for a medical page's review dates and Sources list."""
    found: list[tuple[str, str]] = []
    for meta, value in ((LAST_REVIEWED_META, page.last_reviewed),
                        (NEXT_REVIEW_META, page.next_review)):
        if value is None and not _bad_date(page, meta):
            found.append(("error", f'no {meta} date: add <meta name="{meta}" '
                                   'content="YYYY-MM-DD"> to the head'))
    last, due = page.last_reviewed, page.next_review
    if last is not None and last > today:
        found.append(("error", f"last-reviewed date {last} is in the future"))
    if last is not None and due is not None:
        years = DRUG_REVIEW_YEARS if page.drug else REVIEW_YEARS
        if due <= last:
            found.append(("error", f"next review {due} is not after the last review {last}"))
        elif due > years_after(last, years):
            kind = "a drug page" if page.drug else "a page"
            found.append(("error", f"next review {due} is more than {years} "
                                   f"year{'s' if years > 1 else ''} after the last review "
                                   f"{last} ({kind} is reviewed at least that often)"))
    if due is not None and due < today:
        found.append(("error", f"overdue: review it (the next review was due on {due})"))
    elif due is not None and due <= today + timedelta(days=DUE_SOON_DAYS):
        found.append(("warning", f"the next review is due on {due}, within "
                                 f"{DUE_SOON_DAYS} days"))
    if len(page.sources) < MIN_SOURCES:
        found.append(("error", f"{len(page.sources)} source{'' if len(page.sources) == 1 else 's'}"
                               f" listed: every page needs at least {MIN_SOURCES} under "
                               '<h2 id="sources">Sources</h2>'))
    for source in page.sources:
        if not source.url:
            found.append(("error", f"source {source.title!r} has no link"))
        elif not source.url.startswith("https://") or len(source.url) <= len("https://"):
            found.append(("error", f"source {source.title!r} is not an https:// link: "
                                   f"{source.url!r}"))
    return found


def _page_problems(page: Page, today: date) -> list[Problem]:
    found: list[Problem] = []

    def add(level: str, message: str) -> None:
        found.append(Problem(page.path, level, message))

    medical = bool(page.section) and not page.path.startswith(SITE_PAGES_FOLDER + "/")
    if page.section and page.section not in SECTIONS:
        add("warning", f"section {page.section!r} is not one of the guide's six sections")
    for warning in page.warnings:
        serious = "not in the form" in warning or warning.startswith("no description") or (
            medical and any(_is_date_warning(warning, meta)
                            for meta in (LAST_REVIEWED_META, NEXT_REVIEW_META)))
        add("error" if serious else "warning", warning)
    if medical:
        for level, message in review_problems(page, today):
            add(level, message)
    if page.drug and not page.side_effects:
        add("error", "a drug page without a 'Possible Side Effects' list")
    for effect in sorted({e.effect for e in page.side_effects if is_only_body_part(e.effect)}):
        add("error", f"side effect {effect!r} is only a part of the body: say what happens "
                     f"to it (\"{effect} swelling\", \"{effect} pain\")")
    grade = reading_grade(page)
    if grade > MAX_GRADE:
        add("error", f"reading grade {grade:.1f} is above {MAX_GRADE:.0f}: shorter sentences")
    elif grade > TARGET_GRADE:
        add("warning", f"reading grade {grade:.1f} is above our aim of {TARGET_GRADE:.0f}")
    words = len(page.body.split())
    if page.section and not WORDS[0] <= words <= WORDS[1]:
        add("warning", f"{words} words; pages should have {WORDS[0]} to {WORDS[1]}")
    return found


def _link_problems(pages: list[Page]) -> list[Problem]:
    urls = {p.url for p in pages}
    found = []
    for page in pages:
        for href in page.links:
            if not href.startswith("/") or href.startswith("//"):
                continue
            target = href.split("#")[0].split("?")[0].rstrip("/") or "/"
            if target not in urls and not any(
                target == r or target.startswith(r + "/") for r in SITE_ROUTES if r != "/"
            ) and target != "/":
                found.append(Problem(page.path, "error", f"broken internal link {href!r}"))
    return found


def effect_words(effect: str) -> tuple[str, ...]:
    """An effect's words without articles and plurals, in any order: the same for
    "blood in the urine" and "blood in urine", "upset stomach" and "stomach upset"."""
    return tuple(sorted(singular(w) for w in effect.lower().split() if w not in _ARTICLES))


def _near_duplicate_effects(pages: list[Page]) -> list[Problem]:
    """Effects written in two ways across the guide, which split one effect in two."""
    wordings: dict[tuple[str, ...], dict[str, list[str]]] = defaultdict(dict)
    for page in pages:
        for effect in page.side_effects:
            paths = wordings[effect_words(effect.effect)].setdefault(effect.effect, [])
            if page.path not in paths:
                paths.append(page.path)
    found = []
    for variants in wordings.values():
        if len(variants) < 2:
            continue
        for effect, paths in variants.items():
            others = "; ".join(f"{other!r} on {', '.join(where)}"
                               for other, where in variants.items() if other != effect)
            for path in paths:
                found.append(Problem(path, "warning", f"side effect {effect!r} is also written "
                                     f"{others}: use one wording"))
    return found


def _duplicate_titles(pages: list[Page]) -> list[Problem]:
    by_title: dict[str, list[str]] = defaultdict(list)
    for page in pages:
        by_title[page.title.casefold()].append(page.path)
    return [
        Problem(path, "error", f"title {page_title!r} is also used by {', '.join(others)}")
        for page_title, paths in by_title.items()
        if len(paths) > 1
        for path in paths
        for others in [[p for p in paths if p != path]]
    ]


def check_content(content_dir: Path, today: date | None = None) -> tuple[list[Page], list[Problem]]:
    """Parse every page and list what is wrong, errors first; review dates are judged
    against `today` (the real date unless given)."""
    today = today or date.today()
    files, scan_problems = scan_content(content_dir)
    problems = [Problem(e.path, "error", e.reason) for e in scan_problems]
    pages: list[Page] = []
    for result in parse_files(files, content_dir):
        if isinstance(result, PageError):
            problems.append(Problem(result.path, "error", result.reason))
        else:
            pages.append(result)
            problems.extend(_page_problems(result, today))
    problems.extend(_link_problems(pages))
    problems.extend(_near_duplicate_effects(pages))
    problems.extend(_duplicate_titles(pages))
    problems.extend(Problem(*finding) for finding in safety_problems(content_dir, pages))
    if not any(p.path.startswith(SITE_PAGES_FOLDER + "/") for p in pages):
        problems.append(Problem(SITE_PAGES_FOLDER, "warning", "the site's own pages are missing"))
    problems.sort(key=lambda p: (p.level != "error", p.path, p.message))
    return pages, problems
