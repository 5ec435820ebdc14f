"""The printed tables, from the results dictionary that is also written as JSON."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from queries import KINDS

Row = list[str]
MIB = 1024 * 1024


def number(value: float | None, digits: int | None = None) -> str:
    """A short number: fewer decimals as it grows; '-' when missing."""
    if value is None:
        return "-"
    if digits is None:
        digits = 0 if abs(value) >= 100 else 1 if abs(value) >= 10 else 2
    return f"{value:,.{digits}f}"


def pair(a: float | None, b: float | None) -> str:
    return f"{number(a)} / {number(b)}"


def ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.1f}x" if a is not None and b else "-"


def get(data: dict, *keys: str) -> Any:
    """A nested value, or None when any step is missing (a step that failed)."""
    for key in keys:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def table(title: str, headers: Row, rows: list[Row]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h)
              for i, h in enumerate(headers)]
    line = "  ".join("-" * w for w in widths)
    out = [title, "  ".join(h.rjust(w) for h, w in zip(headers, widths, strict=True)), line]
    out += ["  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(out)


def _mib(value: float | None) -> float | None:
    return value / MIB if value is not None else None


def build_rows(sizes: dict) -> list[Row]:
    rows = []
    for size, r in sizes.items():
        rows.append([
            f"{int(size):,}",
            number(get(r, "build", "seconds")),
            number(get(r, "build", "pages_per_s"), 0),
            number(get(r, "build", "seconds_parsing")),
            number(get(r, "build", "seconds_indexing")),
            number(get(r, "build_cli", "seconds")),
            number(get(r, "build_cli", "peak_mib"), 0),
            number(_mib(get(r, "build", "index_bytes")), 1),
            number(get(r, "update", "one_page_seconds")),
            number(get(r, "update", "no_change_seconds")),
            number(get(r, "fts5_build", "seconds")),
            number(_mib(get(r, "fts5_build", "bytes")), 1),
        ])
    return rows


def query_rows(sizes: dict) -> list[Row]:
    rows = []
    for size, r in sizes.items():
        w, f = get(r, "query", "whoosh") or {}, get(r, "query", "fts5") or {}
        rows.append([
            f"{int(size):,}",
            number(w.get("p50_ms")), number(w.get("p95_ms")),
            pair(w.get("first_pass_p50_ms"), w.get("first_pass_p95_ms")),
            number(f.get("p50_ms")), number(f.get("p95_ms")),
            ratio(w.get("p50_ms"), f.get("p50_ms")), ratio(w.get("p95_ms"), f.get("p95_ms")),
            pair(w.get("mean_matches"), f.get("mean_matches")),
            f"{w.get('errors', 0)} / {f.get('errors', 0)}",
        ])
    return rows


def kind_rows(sizes: dict, engine: str) -> list[Row]:
    rows = []
    for size, r in sizes.items():
        kinds = get(r, "query", engine, "by_kind") or {}
        rows.append([f"{int(size):,}"] + [
            pair(get(kinds, k, "p50_ms"), get(kinds, k, "p95_ms")) for k in KINDS])
    return rows


def http_rows(sizes: dict) -> list[Row]:
    rows = []
    for size, r in sizes.items():
        h = get(r, "http", "latency") or {}

        def p(name: str, h: dict = h) -> str:
            return pair(get(h, name, "p50_ms"), get(h, name, "p95_ms"))

        conditional = p("conditional") if h.get("with_etag") else "no ETag"
        rows.append([
            f"{int(size):,}", p("floor"), p("cold"),
            ratio(get(h, "cold", "p50_ms"), get(h, "floor", "p50_ms")),
            p("repeated"),
            ratio(get(h, "repeated", "p50_ms"), get(h, "floor", "p50_ms")),
            conditional,
            f"{h.get('not_modified', 0)}/{h.get('with_etag', 0)}",
            f"{h.get('queries', 0)}/{h.get('errors', 0)}",
        ])
    return rows


def load_rows(sizes: dict) -> list[Row]:
    rows = []
    for size, r in sizes.items():
        for workers in ("1", "2"):
            s = get(r, "http", "workers", workers)
            if s is None:
                continue
            rows.append([
                f"{int(size):,}", workers,
                number(get(s, "load", "floor", "rps"), 0),
                number(get(s, "load", "cold", "rps"), 0),
                number(get(s, "load", "repeated", "rps"), 0),
                number(get(s, "memory", "rss_total_mib"), 0),
                number(get(s, "memory", "rss_largest_mib"), 0),
                number(get(s, "memory_end", "peak_largest_mib"), 0),
                number(get(s, "start_seconds")),
            ])
    return rows


MACHINE_STEPS = ("build", "build_cli", "update", "fts5_build", "query", "http")


def machine_rows(sizes: dict) -> list[Row]:
    rows = []
    for size, r in sizes.items():
        shares = [get(r, "machine", name, "others_share") for name in MACHINE_STEPS]
        rows.append([f"{int(size):,}"] + [f"{s:.0%}" if s is not None else "-" for s in shares])
    return rows


def errors(sizes: dict) -> list[str]:
    """Steps that failed, and the first failing request of each engine or HTTP pass."""
    found = []
    for size, r in sizes.items():
        for step, value in r.items():
            message = get(value, "error") if isinstance(value, dict) else None
            if message:
                found.append(f"{size} pages, {step}: {message}")
        for engine in ("whoosh", "fts5"):
            examples = get(r, "query", engine, "error_examples") or []
            count = get(r, "query", engine, "errors")
            if examples:
                found.append(f"{size} pages, {engine}: {count} failed queries, e.g. {examples[0]}")
        for workers, run in (get(r, "http", "workers") or {}).items():
            for name, load in (run.get("load") or {}).items():
                if load.get("failed"):
                    found.append(f"{size} pages, {workers} worker(s), {name} load:"
                                 f" {load['failed']} failed requests")
        examples = get(r, "http", "latency", "error_examples") or []
        if examples:
            found.append(f"{size} pages, HTTP: {get(r, 'http', 'latency', 'errors')} failed"
                         f" requests, e.g. {examples[0]}")
    return found


def _slowest(entry: dict | None) -> str:
    slowest = (entry or {}).get("slowest") or []
    if not slowest:
        return "-"
    seconds, path, size = slowest[0]
    return f"{seconds:.2f}s {size / 1024:.0f} KB {path.split('/')[-1][:24]}"


def corpus_rows(builds: dict) -> list[Row]:
    rows = []
    with_baseline = bool(builds.get("baseline"))
    for name, entry in builds.get("corpora", {}).items():
        now, before = entry.get("current") or {}, entry.get("baseline") or {}
        row = [name, f"{entry['pages']:,}", number(entry["bytes"] / 1e6, 1),
               number(entry["largest"] / 1024, 0)]
        if with_baseline:
            row += [number(before.get("pages_per_s"), 1)]
        row += [number(now.get("pages_per_s"), 1)]
        if with_baseline:
            row += [ratio(now.get("pages_per_s"), before.get("pages_per_s")),
                    number(before.get("cpu_ms_per_page"), 1)]
        share = now.get("others_share")
        row += [number(now.get("mb_per_s")), number(now.get("cpu_ms_per_page"), 1),
                number(now.get("seconds_parsing")), number(now.get("seconds_indexing")),
                str(now.get("workers", "-")), _slowest(now),
                f"{share:.0%}" if share is not None else "-"]
        if now.get("error") or before.get("error"):
            row[-1] += f" ERROR {now.get('error') or before.get('error')}"[:80]
        rows.append(row)
    return rows


def render_corpus_builds(builds: dict) -> str:
    """The full-build table of every corpus (with a baseline: before and after)."""
    baseline = builds.get("baseline")
    headers = ["corpus", "pages", "MB", "largest KB"]
    if baseline:
        headers += ["before pages/s"]
    headers += ["pages/s"]
    if baseline:
        headers += ["speed-up", "before CPU ms/page"]
    headers += ["MB/s", "CPU ms/page", "parse s", "index s", "workers", "slowest page",
                "others' CPU"]
    rounds = builds.get("rounds", 1)
    title = (f"Full builds by corpus (a fresh process each; median of {rounds} round"
             f"{'s' if rounds != 1 else ''}" + (f"; before = {baseline}" if baseline else "")
             + "; parse s = reading, parsing and analysing, summed over workers)")
    return table(title, headers, corpus_rows(builds))


Section = tuple[str, Row, Callable[[dict], list[Row]]]


def render(results: dict) -> str:
    sizes = results["sizes"]
    settings = results["settings"]
    clients, seconds = settings["load_clients"], settings["load_seconds"]
    sections: list[Section] = [
        ("Build and update (seconds; sizes in MiB)",
         ["pages", "build s", "pages/s", "parse s", "index s", "CLI build s", "CLI peak",
          "index", "update 1 page s", "update no-op s", "FTS5 build s", "FTS5 db"],
         build_rows),
        ("Results-page query in-process, ms (median over rounds of each round's p50 / p95)",
         ["pages", "Whoosh p50", "Whoosh p95", "first pass p50 / p95", "FTS5 p50", "FTS5 p95",
          "W/F p50", "W/F p95",
          "mean matches W / F", "errors W / F"],
         query_rows),
        ("Whoosh search() by kind of query, ms p50 / p95 (all rounds)",
         ["pages", *KINDS], lambda s: kind_rows(s, "whoosh")),
        ("FTS5 peer by kind of query, ms p50 / p95 (all rounds)",
         ["pages", *KINDS], lambda s: kind_rows(s, "fts5")),
        ("Over HTTP, 1 worker, one keep-alive connection, ms p50 / p95",
         ["pages", "/_floor", "/search cold", "cold/floor", "/search repeated", "rep/floor",
          "If-None-Match", "304s", "queries/errors"],
         http_rows),
        (f"Requests/s ({clients} clients, {seconds:g} s each) and server memory (MiB)",
         ["pages", "workers", "/_floor", "/search cold", "/search repeated", "RSS total",
          "RSS worker", "peak worker", "start s"],
         load_rows),
        ("CPU used by other processes during each step (share of all cores; high = noisy)",
         ["pages", *MACHINE_STEPS], machine_rows),
    ]
    out = [table(title, headers, rows(sizes)) for title, headers, rows in sections]
    startup = number(get(results, "cli_startup", "seconds"))
    out[0] += f"\n(`lupus-guide --help` alone, the command's start-up floor: {startup} s)"
    if isinstance(results.get("corpus_builds"), dict) and "corpora" in results["corpus_builds"]:
        out.insert(0, render_corpus_builds(results["corpus_builds"]))
    problems = errors(sizes)
    if problems:
        out.append("Failures:\n" + "\n".join(f"  {p}" for p in problems))
    return "\n\n".join(out)


def render_profile(size: str, profile: dict) -> str:
    lines = [f"Profile of Whoosh search() at {int(size):,} pages, {profile['queries']} queries:"
             f" {profile['ms_per_query']:.1f} ms per query under cProfile",
             "  site functions by cumulative ms per query:"]
    lines += [f"    {r['cum_ms']:8.2f}  {r['calls']:>7}  {r['function']}"
              for r in profile["site_by_cumulative"]]
    lines.append("  everything by own ms per query:")
    lines += [f"    {r['own_ms']:8.2f}  {r['calls']:>7}  {r['function']}"
              for r in profile["all_by_own"]]
    return "\n".join(lines)
