"""The `lupus-guide` command: build, update, check, watch, status, serve, notice, insights."""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import click

from indexer import generations
from indexer.build import BuildReport, Progress, build_index, pending_changes, scan_content
from indexer.page import PageError
from indexer.sections import SECTIONS
from indexer.settings import IndexSettings, load_index_settings


def path_options(command):
    """--content and --index on every subcommand (environment variables as defaults)."""
    command = click.option(
        "--index",
        "index_dir",
        type=click.Path(file_okay=False, path_type=Path),
        envvar="LUPUS_GUIDE_INDEX",
        help="Where the built index lives (default: index/).",
    )(command)
    return click.option(
        "--content",
        "content_dir",
        type=click.Path(file_okay=False, path_type=Path),
        envvar="LUPUS_GUIDE_CONTENT",
        help="The guide's HTML pages (default: content/).",
    )(command)


def settings_for(content_dir: Path | None, index_dir: Path | None) -> IndexSettings:
    return load_index_settings().with_paths(content_dir, index_dir)


@contextlib.contextmanager
def progress_bar(label: str, total: int) -> Iterator[Progress | None]:
    """click's progress bar on a terminal; nothing when output goes to a file or pipe."""
    if not sys.stderr.isatty() or total == 0:
        yield None
        return
    with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
        yield bar.update


def print_report(report: BuildReport, verb: str, *, verbose: bool = False) -> None:
    for error in report.errors:
        click.secho(f"error: {error.path}: {error.reason}", fg="red", err=True)
    for warning in report.warnings:
        click.secho(f"warning: {warning}", fg="yellow", err=True)
    if verb == "update":
        for label, paths in (("added", report.added), ("changed", report.changed),
                             ("removed", report.removed)):
            for path in paths:
                click.echo(f"{label}: {path}")
    summary = (
        f"{verb}: generation {report.generation}, {report.pages} pages"
        f" ({len(report.added)} added, {len(report.changed)} changed, {len(report.removed)}"
        f" removed), {len(report.errors)} errors"
    )
    if verb == "build":
        summary += (
            f"; parsing {report.seconds_parsing:.2f}s, indexing {report.seconds_indexing:.2f}s"
        )
        if report.workers > 1:
            summary += f" (summed over {report.workers} workers)"
    touched = report.pages if verb == "build" else report.touched
    if report.seconds and touched:
        summary += f"; {report.seconds:.2f}s in all, {touched / report.seconds:.0f} pages/s"
    # Each kind of parser warning once, as one line, however many pages and workers had it.
    for note, pages in sorted(report.parser_notes.items()):
        click.echo(f"parser: {pages} page{'s' if pages != 1 else ''}: {note}")
    if verbose and report.slowest:
        click.echo("slowest pages (reading, parsing and analysing):")
        for timed in report.slowest:
            click.echo(f"  {timed.seconds:7.3f}s  {timed.size / 1024:8.1f} KB  {timed.path}")
    click.echo(summary)


def fail(message: str) -> None:
    click.secho(f"error: {message}", fg="red", err=True)
    sys.exit(1)


def run_build(settings: IndexSettings, *, incremental: bool) -> BuildReport:
    from indexer.build import update_index

    total = len(scan_content(settings.content_dir)[0]) if sys.stderr.isatty() else 0
    try:
        with progress_bar("Indexing", total) as progress:
            work = update_index if incremental else build_index
            return work(
                settings.content_dir,
                settings.index_dir,
                progress=progress,
                lock_timeout=settings.lock_timeout,
            )
    except generations.IndexLocked as error:
        fail(str(error))
    except PageError as error:
        fail(str(error))
    raise AssertionError("unreachable")


@click.group()
def main() -> None:
    """Lupus Guide: build the search index from content/ and serve the site."""


verbose_option = click.option(
    "--verbose", "-v", is_flag=True, help="Also list the slowest pages, with their size.")


@main.command()
@path_options
@verbose_option
def build(content_dir: Path | None, index_dir: Path | None, verbose: bool) -> None:
    """Index every page into a new generation, then switch to it atomically."""
    settings = settings_for(content_dir, index_dir)
    if not settings.content_dir.is_dir():
        fail(f"no content folder at {settings.content_dir}")
    print_report(run_build(settings, incremental=False), "build", verbose=verbose)


@main.command()
@path_options
@verbose_option
def update(content_dir: Path | None, index_dir: Path | None, verbose: bool) -> None:
    """Reindex only the pages added, changed or removed since the live generation."""
    settings = settings_for(content_dir, index_dir)
    if not settings.content_dir.is_dir():
        fail(f"no content folder at {settings.content_dir}")
    print_report(run_build(settings, incremental=True), "update", verbose=verbose)


@main.command()
@path_options
@click.option("--json", "as_json", is_flag=True, help="Print the problems as JSON.")
def check(content_dir: Path | None, index_dir: Path | None, as_json: bool) -> None:
    """Validate every page without writing anything; exits 1 when there are errors."""
    from indexer.check import check_content

    settings = settings_for(content_dir, index_dir)
    pages, problems = check_content(settings.content_dir)
    errors = [p for p in problems if p.level == "error"]
    if as_json:
        click.echo(json.dumps({"pages": len(pages), "problems": [p.as_dict() for p in problems]},
                              indent=1))
    else:
        for problem in problems:
            color = "red" if problem.level == "error" else "yellow"
            click.secho(f"{problem.level}: {problem.path}: {problem.message}", fg=color)
        click.echo(f"checked {len(pages)} pages: {len(errors)} errors,"
                   f" {len(problems) - len(errors)} warnings")
    sys.exit(1 if errors else 0)


@main.command()
@path_options
@click.argument("query")
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON.")
def notice(content_dir: Path | None, index_dir: Path | None, query: str, as_json: bool) -> None:
    """Which urgent-help notice a search gets, and which trigger of safety.toml matched."""
    # The read side does the matching; imported here only, so other commands stay light.
    from indexer.safety_file import SAFETY_FILE, SafetyFileError, parse_safety
    from search.safety import NoticeMatcher
    from search.spelling import EVERYDAY_WORDS

    settings = settings_for(content_dir, index_dir)
    try:
        rules = parse_safety((settings.content_dir / SAFETY_FILE).read_text("utf-8"))
    except (OSError, SafetyFileError) as error:
        fail(f"{SAFETY_FILE}: {error}")
    if generations.live_generation(settings.index_dir) is None:
        match = NoticeMatcher(rules, EVERYDAY_WORDS.__contains__).match(query, "")
    else:
        # With an index, the guide's own words and the search's spelling fixes count too,
        # exactly as on the site: the search context's own matcher, on the search's fix.
        from search.guide import Guide
        from search.results import SearchParams, search

        guide = Guide(settings.index_dir, settings.content_dir)
        try:
            context = guide.context()
            corrected = search(context, SearchParams(q=query)).corrected_query or ""
            match = context.notice_matcher.match(query, corrected)
        finally:
            guide.close()
    if as_json:
        click.echo(json.dumps(None if match is None else {
            **match.notice.as_dict(), "pages": list(match.notice.pages),
            "trigger": match.trigger.text, "matched_text": match.text}, indent=1))
        return
    if match is None:
        click.echo(f"no notice for {query!r}")
        return
    found = match.notice
    click.echo(f"notice: {found.id} ({found.title})")
    click.echo(f"trigger: {match.trigger.text!r}, matched in {match.text!r}")
    click.echo(f"message: {found.message}")
    for action in found.actions:
        click.echo(f"  action: {action.label} [{action.region}] {action.href}")
    for page in found.pages:
        click.echo(f"  pinned: {page}")
    if found.only_pinned:
        click.echo("  only the pinned pages are shown, no other results")


@main.command()
@path_options
def status(content_dir: Path | None, index_dir: Path | None) -> None:
    """The live generation, its pages per section, and changes not yet indexed."""
    settings = settings_for(content_dir, index_dir)
    live = generations.live_generation(settings.index_dir)
    if live is None:
        click.echo(f"no index at {settings.index_dir} yet: run `lupus-guide build`")
        sys.exit(1)
    manifest = live.manifest()
    pages = manifest["pages"]
    click.echo(f"generation: {live.number} ({live.path})")
    click.echo(f"built at: {manifest['built_at']}")
    click.echo(f"pages: {len(pages)}")
    counts = Counter(entry["section"] for entry in pages.values())
    for slug, title in SECTIONS.items():
        click.echo(f"  {title}: {counts.pop(slug, 0)}")
    for slug, count in sorted(counts.items()):
        click.echo(f"  {slug or 'site pages'}: {count}")
    files, _ = scan_content(settings.content_dir)
    added, changed, removed, _touched = pending_changes(files, pages)
    if added or changed or removed:
        click.echo(f"not yet indexed: {len(added)} added, {len(changed)} changed,"
                   f" {len(removed)} removed (run `lupus-guide update`)")
        for label, items in (("added", [f.relative for f in added]),
                             ("changed", [f.relative for f in changed]), ("removed", removed)):
            for item in items:
                click.echo(f"  {label}: {item}")
    else:
        click.echo("not yet indexed: nothing, the index is up to date")


@main.command()
@path_options
@click.argument("words", nargs=-1)
@click.option("--days", type=click.IntRange(1, 3650), default=30, show_default=True,
              help="The last N days (UTC).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
@click.option("--merge", is_flag=True,
              help="Report over the FILEs given (several workers' or replicas' stores).")
@click.option("--jsonl", is_flag=True, help="With `export`: one JSON object a line.")
def insights(content_dir: Path | None, index_dir: Path | None, words: tuple[str, ...],
             days: int, as_json: bool, merge: bool, jsonl: bool) -> None:
    """Search insights: what readers look for and do not find, page feedback, review dates.

    \b
    lupus-guide insights [--days N] [--json]
    lupus-guide insights --merge FILE... [--days N] [--json]
    lupus-guide insights export --jsonl [--days N] [--merge FILE...]
    """
    # The reports live in their own package, loaded by this command only.
    from insights.events import first_hour
    from insights.export import export_jsonl
    from insights.report import GuideFacts, build_report, report_text
    from insights.settings import load_insights_settings
    from insights.store import StoreError

    settings = settings_for(content_dir, index_dir)
    insight_settings = load_insights_settings()
    export = bool(words) and words[0] == "export"
    files = [Path(w) for w in (words[1:] if export else words)]
    if files and not merge:
        fail(f"unexpected argument {str(files[0])!r}: to report over files, use --merge FILE...")
    if merge and not files:
        fail("--merge needs one or more insights files")
    if jsonl and not export:
        fail("--jsonl goes with `lupus-guide insights export`")
    paths = files or [insight_settings.db_for(settings.index_dir)]
    if not files and not paths[0].exists():
        # Nothing recorded yet: the report still shows the review calendar.
        click.secho(f"note: no searches recorded yet at {paths[0]} (the site records them "
                    "while it runs, unless LUPUS_GUIDE_INSIGHTS=0)", fg="yellow", err=True)
        paths = []
    now = time.time()
    try:
        if export:
            if not jsonl:
                fail("export writes JSON lines: add --jsonl")
            export_jsonl(paths, first_hour(now, days), sys.stdout)
            return
        facts, close = GuideFacts(), None
        if generations.live_generation(settings.index_dir) is not None:
            from insights.guide import facts_from_index

            facts, close = facts_from_index(settings.index_dir, settings.content_dir)
        try:
            report = build_report(paths, days=days, min_hours=insight_settings.min_hours,
                                  now=now, guide=facts)
        finally:
            if close is not None:
                close()
    except StoreError as error:
        fail(str(error))
    if as_json:
        click.echo(json.dumps(report, indent=1, ensure_ascii=False))
    else:
        click.echo(report_text(report))


@main.command()
@path_options
def watch(content_dir: Path | None, index_dir: Path | None) -> None:
    """Watch the content folder and update the index whenever a page changes."""
    import watchfiles

    settings = settings_for(content_dir, index_dir)
    print_report(run_build(settings, incremental=True), "update")
    click.echo(f"watching {settings.content_dir} (Ctrl+C to stop)")
    for _changes in watchfiles.watch(settings.content_dir, raise_interrupt=False):
        print_report(run_build(settings, incremental=True), "update")


@main.command()
@path_options
@click.option("--host", help="Address to listen on (default: LUPUS_GUIDE_HOST or 127.0.0.1).")
@click.option("--port", type=int, help="Port (default: LUPUS_GUIDE_PORT or 8000).")
@click.option("--workers", type=int, help="Processes (default: LUPUS_GUIDE_WORKERS or 1).")
def serve(content_dir: Path | None, index_dir: Path | None, host: str | None, port: int | None,
          workers: int | None) -> None:
    """Serve the site (building the index first when there is none)."""
    import uvicorn

    from guide_site.settings import load_settings  # the web side's own settings

    settings = settings_for(content_dir, index_dir)
    web = load_settings()
    host, port, workers = host or web.host, port or web.port, workers or web.workers
    if generations.live_generation(settings.index_dir) is None:
        click.echo(f"no index at {settings.index_dir}: building it first")
        print_report(run_build(settings, incremental=False), "build")
    # The app reads its settings from the environment, also in each worker process.
    os.environ["LUPUS_GUIDE_CONTENT"] = str(settings.content_dir.resolve())
    os.environ["LUPUS_GUIDE_INDEX"] = str(settings.index_dir.resolve())
    uvicorn.run("guide_site.app:create_app", factory=True, host=host, port=port,
                # No access log: it would keep every search with its reader's address.
                workers=workers, proxy_headers=False, server_header=False, access_log=False)


if __name__ == "__main__":
    main()
