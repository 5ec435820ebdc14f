"""Content checks for editors: everything that would make a page wrong, without writing."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path

import textstat

from indexer.build import parse_files, scan_content
from indexer.page import Page, PageError
from indexer.safety_check import safety_problems
from indexer.sections import SECTIONS, SITE_PAGES_FOLDER

MAX_GRADE = 9.0  # the bound every page is held to
TARGET_GRADE = 8.0  # what we aim for
WORDS = (300, 900)
# Routes of the site itself that pages may link to.
SITE_ROUTES = ("/", "/search", "/side-effects", "/drugs", "/sitemap")


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


def _page_problems(page: Page) -> list[Problem]:
    found: list[Problem] = []

    def add(level: str, message: str) -> None:
        found.append(Problem(page.path, level, message))

    if page.section and page.section not in SECTIONS:
        add("warning", f"section {page.section!r} is not one of the guide's six sections")
    for warning in page.warnings:
        serious = "not in the form" in warning or warning.startswith("no description")
        add("error" if serious else "warning", warning)
    if page.drug and not page.side_effects:
        add("error", "a drug page without a 'Possible Side Effects' list")
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


def check_content(content_dir: Path) -> tuple[list[Page], list[Problem]]:
    """Parse every page and list what is wrong, errors first."""
    files, scan_problems = scan_content(content_dir)
    problems = [Problem(e.path, "error", e.reason) for e in scan_problems]
    pages: list[Page] = []
    for result in parse_files(files, content_dir):
        if isinstance(result, PageError):
            problems.append(Problem(result.path, "error", result.reason))
        else:
            pages.append(result)
            problems.extend(_page_problems(result))
    problems.extend(_link_problems(pages))
    problems.extend(_duplicate_titles(pages))
    problems.extend(Problem(*finding) for finding in safety_problems(content_dir, pages))
    if not any(p.path.startswith(SITE_PAGES_FOLDER + "/") for p in pages):
        problems.append(Problem(SITE_PAGES_FOLDER, "warning", "the site's own pages are missing"))
    problems.sort(key=lambda p: (p.level != "error", p.path, p.message))
    return pages, problems
