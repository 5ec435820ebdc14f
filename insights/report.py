"""The editors' report over one or more insights files: searches per day, top queries, queries
with no results or whose results nobody opened, relaxed and corrected queries, candidate
synonyms, opened pages, page feedback, urgent notices and the review calendar.

A query's text (and a word of one) appears only when it was seen in at least `min_hours`
different hours: a single person's rare search is never shown. Counts without text (notices,
pages, feedback) are shown as they are."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from insights.events import REASONS, first_hour, hour_start
from insights.review import REVIEW_WINDOW_DAYS, ReviewPage, due_for_review
from insights.store import stored_rows

TOP = 20  # rows per list
PLACEHOLDER = re.compile(r"\[[a-z]+\]")  # [email], [phone], [name], [date], [link]
QUERY_WORD = re.compile(r"[a-z][a-z'-]*[a-z]|[a-z]")


@dataclass
class GuideFacts:
    """What the report needs from the guide itself: its pages (titles, files, review
    dates) and whether it (or synonyms.txt) knows a word."""

    pages: list[ReviewPage] = field(default_factory=list)
    knows: Callable[[str], bool] | None = None
    _by_url: dict[str, ReviewPage] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._by_url = {p.url: p for p in self.pages}  # the pages are given once, never changed

    def page(self, url: str) -> ReviewPage | None:
        return self._by_url.get(url)


@dataclass
class Rows:
    searches: list[tuple] = field(default_factory=list)  # hour, key, query, filters, notice,
    # total, relaxed, corrected, count
    opened: list[tuple] = field(default_factory=list)  # hour, key, url, count
    feedback: list[tuple] = field(default_factory=list)  # hour, page, helpful, count
    reasons: list[tuple] = field(default_factory=list)  # hour, page, reason, count
    drops: list[tuple] = field(default_factory=list)  # hour, count


def read_rows(paths: Sequence[Path], since_hour: int) -> Rows:
    """Every row from `since_hour` on, from each file (several workers' or replicas')."""
    rows = Rows()
    lists = {"search": rows.searches, "opened": rows.opened, "feedback": rows.feedback,
             "reason": rows.reasons, "dropped": rows.drops}  # by kind of store.ROW_QUERIES
    for kind, row in stored_rows(paths, since_hour):
        lists[kind].append(row)
    return rows


def _day(hour: int) -> str:
    return hour_start(hour).date().isoformat()


def _top(counts: Counter, limit: int, name: str = "query") -> list[dict]:
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [{name: text, "count": count} for text, count in ranked[:limit]]


def build_report(paths: Sequence[Path], *, days: int = 30, min_hours: int = 3,
                 now: float | None = None, guide: GuideFacts | None = None, top: int = TOP,
                 review_window: int = REVIEW_WINDOW_DAYS) -> dict:
    """The report as one JSON-ready dict (see the module's docstring)."""
    now = datetime.now(UTC).timestamp() if now is None else now
    rows = read_rows(paths, first_hour(now, days))
    guide = guide or GuideFacts()
    today = datetime.fromtimestamp(now, UTC).date()

    per_day: Counter[str] = Counter()
    query_hours: dict[str, set[int]] = defaultdict(set)
    by_query: Counter[str] = Counter()
    zero: Counter[str] = Counter()
    relaxed: Counter[str] = Counter()
    corrected: Counter[str] = Counter()
    with_results: Counter[str] = Counter()
    keys_of: dict[str, set[str]] = defaultdict(set)
    notices: Counter[str] = Counter()
    word_hours: dict[str, set[int]] = defaultdict(set)
    word_counts: Counter[str] = Counter()
    for hour, key, query, _filters, notice, total, was_relaxed, was_corrected, count in (
            rows.searches):
        per_day[_day(hour)] += count
        if notice:
            notices[notice] += count
        if not query:
            continue  # a crisis search (no text), or filters chosen without words
        query_hours[query].add(hour)
        by_query[query] += count
        keys_of[query].add(key)
        if total == 0:
            zero[query] += count
        else:
            with_results[query] += count
        if was_relaxed:
            relaxed[query] += count
        if was_corrected:
            corrected[query] += count
        for word in set(QUERY_WORD.findall(PLACEHOLDER.sub(" ", query))):
            word_hours[word].add(hour)
            word_counts[word] += count

    shown = {q for q, hours in query_hours.items() if len(hours) >= min_hours}

    def visible(counts: Counter) -> Counter:
        return Counter({q: n for q, n in counts.items() if q in shown})

    opened_keys: Counter[str] = Counter()
    opened_pages: Counter[str] = Counter()
    for _hour, key, url, count in rows.opened:
        opened_keys[key] += count
        opened_pages[url] += count
    not_opened = Counter({q: n for q, n in visible(with_results).items()
                          if not any(opened_keys[k] for k in keys_of[q])})

    candidates = None
    if guide.knows is not None:
        candidates = _top(Counter({
            w: n for w, n in word_counts.items()
            if len(word_hours[w]) >= min_hours and not guide.knows(w)}), top, "word")

    return {
        "period": {"days": days, "from": (today - timedelta(days=days - 1)).isoformat(),
                   "to": today.isoformat(), "min_hours": min_hours,
                   "files": [str(p) for p in paths]},
        "searches": {
            "total": sum(per_day.values()),
            "per_day": [{"day": (today - timedelta(days=n)).isoformat(),
                         "count": per_day[(today - timedelta(days=n)).isoformat()]}
                        for n in range(days - 1, -1, -1)],
            "queries_hidden": len(query_hours) - len(shown),
        },
        "top_queries": _top(visible(by_query), top),
        "zero_results": _top(visible(zero), top),
        "not_opened": _top(not_opened, top),
        "relaxed": _top(visible(relaxed), top),
        "corrected": _top(visible(corrected), top),
        "candidate_synonyms": candidates,
        "opened": {"total": sum(opened_pages.values()),
                   "pages": [{**row, "title": _title(guide, row["page"])}
                             for row in _top(opened_pages, top, "page")]},
        "feedback": _feedback(rows, guide, top),
        "notices": _top(notices, top, "notice"),
        "review_due": due_for_review(guide.pages, today, review_window),
        "dropped": sum(count for _hour, count in rows.drops),
    }


def _title(guide: GuideFacts, url: str) -> str:
    page = guide.page(url)
    return page.title if page else ""


def _feedback(rows: Rows, guide: GuideFacts, top: int) -> list[dict]:
    pages: dict[str, dict] = {}

    def entry(url: str) -> dict:
        if url not in pages:
            page = guide.page(url)
            pages[url] = {"page": url, "title": page.title if page else "",
                          "path": page.path if page else "", "yes": 0, "no": 0,
                          "reasons": dict.fromkeys(REASONS, 0)}
        return pages[url]

    for _hour, url, helpful, count in rows.feedback:
        entry(url)["yes" if helpful else "no"] += count
    for _hour, url, reason, count in rows.reasons:
        if reason in REASONS:
            entry(url)["reasons"][reason] += count
    ranked = sorted(pages.values(), key=lambda p: (-p["no"], p["yes"], p["page"]))
    return ranked[:top]


# -- as text, for the terminal -------------------------------------------------------------


def _list(title: str, items: list[dict], name: str, empty: str) -> list[str]:
    lines = ["", title]
    if not items:
        return [*lines, f"  {empty}"]
    width = max(len(str(item["count"])) for item in items)
    return [*lines, *(f"  {item['count']:>{width}}  {item[name]}" for item in items)]


def _hours(number: int) -> str:
    return f"{number} different hour{'s' if number != 1 else ''}"


def report_text(report: dict) -> str:
    period, searches = report["period"], report["searches"]
    lines = [f"Search insights, {period['from']} to {period['to']} ({period['days']} days, UTC)",
             f"A query is shown once it was searched in {_hours(period['min_hours'])} or "
             f"more; {searches['queries_hidden']} rarer queries are not shown."]
    lines += ["", f"Searches: {searches['total']}"]
    busy = [d for d in searches["per_day"] if d["count"]]
    peak = max((d["count"] for d in busy), default=0)
    for day in busy:
        bar = "#" * max(1, round(30 * day["count"] / peak))
        lines.append(f"  {day['day']}  {day['count']:>5}  {bar}")
    lines += _list("Top queries", report["top_queries"], "query", "none yet")
    lines += _list("Queries with no results", report["zero_results"], "query", "none")
    lines += _list("Queries whose results nobody opened (opens are counted when the "
                   "reader's browser runs the site's script)", report["not_opened"], "query",
                   "none")
    lines += _list("Queries that needed relaxing (no page had every word)",
                   report["relaxed"], "query", "none")
    lines += _list("Queries whose spelling was corrected", report["corrected"], "query",
                   "none")
    if report["candidate_synonyms"] is None:
        lines += ["", "Candidate synonyms: no index to compare with (run `lupus-guide build`)"]
    else:
        lines += _list("Words readers use that the guide and synonyms.txt lack (candidate "
                       "synonyms)", report["candidate_synonyms"], "word", "none")
    opened = report["opened"]
    lines += _list(f"Pages opened from search results: {opened['total']}", opened["pages"],
                   "page", "none")
    lines += ["", "Page feedback (most \"No\" first)"]
    if not report["feedback"]:
        lines.append("  none yet")
    for page in report["feedback"]:
        reasons = ", ".join(f"{REASONS[r].lower()} {n}" for r, n in page["reasons"].items()
                            if n)
        lines.append(f"  no {page['no']:>3}  yes {page['yes']:>3}  {page['page']}"
                     + (f"  ({reasons})" if reasons else ""))
    lines += _list("Urgent notices shown (crisis searches are counted, never stored)",
                   report["notices"], "notice", "none")
    lines += ["", f"Pages due for review in the next {REVIEW_WINDOW_DAYS} days, and overdue"]
    if not report["review_due"]:
        lines.append("  none")
    for page in report["review_due"]:
        when = (f"overdue by {-page['days']} days" if page["days"] < 0 else
                "due today" if page["days"] == 0 else f"due in {page['days']} days")
        lines.append(f"  {page['next_review']}  {when:<20}  {page['path'] or page['page']}")
    if report["dropped"]:
        lines += ["", f"Events dropped (queue full or the file locked): {report['dropped']}"]
    return "\n".join(lines)
