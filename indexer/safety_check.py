"""`lupus-guide check` for urgent advice: safety.toml itself, the pages it points to, the
`data-urgent` blocks in pages, and emergency numbers written into pages by hand."""

from __future__ import annotations

import re
from pathlib import Path

from indexer.page import Page
from indexer.safety_file import (
    SAFETY_FILE,
    URGENT_BLOCK,
    SafetyFileError,
    SafetyRules,
    parse_safety,
)

Finding = tuple[str, str, str]  # (path, "error" | "warning", message)
# Any tag with a data-urgent attribute: those not in URGENT_BLOCK's form stay empty on the site.
URGENT_TAG = re.compile(r"<[^<>]*\bdata-urgent\b[^<>]*>")
# Numbers and thresholds that only the shared wording may give (so pages cannot drift apart).
HAND_WRITTEN = re.compile(
    r"\b(?:911|988|999|112|111)\b|\b116 ?123\b|\b1-?800-?222-?1222\b|\b100\.4\b|\b38 ?°? ?C\b"
)
SHARED_WORDING_EXEMPT = ("pages/",)  # the site's own pages (Resources lists the numbers)


def _address_problem(address: str, anchors: dict[str, set[str]]) -> str | None:
    url, _, anchor = address.partition("#")
    if url not in anchors:
        return f"{address!r} is not a page of the guide"
    if anchor and anchor not in anchors[url]:
        return f"{address!r}: the page has no section with the anchor #{anchor}"
    return None


def _rules_problems(rules: SafetyRules, pages: list[Page]) -> list[Finding]:
    anchors = {p.url: {h.anchor for h in p.headings} for p in pages}
    found: list[Finding] = []
    for notice in rules.notices:
        for address in notice.pages:
            problem = _address_problem(address, anchors)
            if problem:
                found.append((SAFETY_FILE, "error", f"notice {notice.id!r}: pinned page {problem}"))
    actions = {a.id: a for notice in rules.notices for a in notice.actions}
    for action in actions.values():
        if action.href.startswith("/"):
            problem = _address_problem(action.href, anchors)
            if problem:
                found.append((SAFETY_FILE, "error", f"action {action.id!r}: {problem}"))
    return found


def _urgent_problems(page: Page, html: str, rules: SafetyRules) -> list[Finding]:
    """Urgent markers the site would leave empty: the wrong form, or an unknown id."""
    found: list[Finding] = [
        (page.path, "error",
         f"{tag!r} is not filled by the site: write an empty block of its own,"
         ' <div data-urgent="ID"></div> (div, p, aside or section; ID of a-z, 0-9 and -)')
        for tag in URGENT_TAG.findall(URGENT_BLOCK.sub("", html))]
    for notice_id in (m.group(2) for m in URGENT_BLOCK.finditer(html)):
        if rules.notice(notice_id) is None:
            known = ", ".join(n.id for n in rules.notices)
            found.append((page.path, "error",
                          f'data-urgent="{notice_id}" is not a notice in {SAFETY_FILE} ({known})'))
    return found


def _page_problems(page: Page, html: str, rules: SafetyRules) -> list[Finding]:
    found = _urgent_problems(page, html, rules)
    if not page.path.startswith(SHARED_WORDING_EXEMPT):
        text = " ".join([page.title, page.body, *(h.text for h in page.headings)])
        for number in sorted(set(HAND_WRITTEN.findall(text))):
            found.append((page.path, "error",
                          f"{number!r} written in the page: use the shared wording instead"
                          ' (<div data-urgent="..."></div>, ids in safety.toml)'))
    return found


def safety_problems(content_dir: Path, pages: list[Page]) -> list[Finding]:
    """Everything wrong with urgent advice in the guide, errors and warnings."""
    path = content_dir / SAFETY_FILE
    if not path.is_file():
        return [(SAFETY_FILE, "error", "missing: the site has no urgent-help notices")]
    try:
        rules = parse_safety(path.read_text("utf-8"))
    except (SafetyFileError, UnicodeDecodeError) as error:
        return [(SAFETY_FILE, "error", str(error))]
    found = _rules_problems(rules, pages)
    for page in pages:
        try:
            html = (content_dir / page.path).read_text("utf-8", errors="replace")
        except OSError:
            continue  # reported when the page was parsed
        found.extend(_page_problems(page, html, rules))
    return found
