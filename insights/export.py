"""Events as JSON lines, for an organisation's own log pipeline or warehouse (ClickHouse,
PostgreSQL...). Rows are exported as stored: already redacted, hourly counts, crisis searches
without text. Reports built elsewhere must apply the same rule as ours: show a query only
once it was seen in at least LUPUS_GUIDE_INSIGHTS_MIN_HOURS different hours."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TextIO

from insights.events import hour_start
from insights.store import stored_rows


def _hour(hour: int) -> str:
    return hour_start(hour).strftime("%Y-%m-%dT%H:00:00Z")


def _record(kind: str, row: tuple) -> dict:
    if kind == "search":
        hour, key, query, filters, notice, total, relaxed, corrected, count = row
        return {"type": kind, "hour": _hour(hour), "search_key": key, "query": query,
                "filters": json.loads(filters) if filters else {}, "notice": notice,
                "total": total, "relaxed": bool(relaxed), "corrected": bool(corrected),
                "count": count}
    if kind == "opened":
        hour, key, url, count = row
        return {"type": kind, "hour": _hour(hour), "search_key": key, "page": url,
                "count": count}
    if kind == "feedback":
        hour, page, helpful, count = row
        return {"type": kind, "hour": _hour(hour), "page": page, "helpful": bool(helpful),
                "count": count}
    if kind == "reason":
        hour, page, reason, count = row
        return {"type": kind, "hour": _hour(hour), "page": page, "reason": reason,
                "count": count}
    hour, count = row
    return {"type": kind, "hour": _hour(hour), "count": count}


def records(paths: Sequence[Path], since_hour: int) -> Iterator[dict]:
    for kind, row in stored_rows(paths, since_hour):
        yield _record(kind, row)


def export_jsonl(paths: Sequence[Path], since_hour: int, out: TextIO) -> int:
    """Writes one JSON object a line; returns how many."""
    written = 0
    for record in records(paths, since_hour):
        out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
        written += 1
    return written
