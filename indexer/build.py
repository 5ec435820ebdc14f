"""Full builds and incremental updates of the index from the content folder."""

from __future__ import annotations

import hashlib
import heapq
import math
import multiprocessing
import os
import shutil
import signal
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from queue import Empty
from stat import S_ISREG
from typing import Any

from whoosh import index as whoosh_index
from whoosh.fields import Schema
from whoosh.writing import IndexWriter

from indexer import generations, whoosh_fast
from indexer.page import Page, PageError, parse_page
from indexer.prepared import PreparedDocument, prepare_document
from indexer.schema import PATH, build_schema, page_document
from indexer.whoosh_fast import writer as fast_writer

Progress = Callable[[int], None]  # called with how many pages were just handled
PARALLEL_FROM = 400  # below this many pages, a process pool costs more than it saves
# The writer keeps postings in memory (about 130 bytes each with their terms); past this
# many it writes them out as one segment of the build (about 12,000 pages, under 700 MB).
SEGMENT_POSTINGS = 5_000_000
# A full build gives each worker a run of consecutive pages to index into segments of its
# own: a run per worker, more when the guide is big, so the two writers in memory at once
# stay under about 700 MB each.
SLICE_PAGES = 10_000
SLOWEST_KEPT = 10  # the slowest pages a build reports (`lupus-guide build --verbose`)
NOTHING_INDEXED = "no page could be indexed; the live index is kept"


@dataclass
class SourceFile:
    relative: str
    path: Path
    mtime_ns: int
    size: int


@dataclass
class BuildReport:
    """What a build or update did, for the CLI's summary and for tests."""

    generation: int | None = None
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    errors: list[PageError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    pages: int = 0
    seconds: float = 0.0  # the whole build or update
    seconds_parsing: float = 0.0  # summed over the workers of a full build
    seconds_indexing: float = 0.0
    workers: int = 1
    # What the HTML parser warned about: each kind once, with how many pages.
    parser_notes: Counter[str] = field(default_factory=Counter)
    slowest: list[PageTime] = field(default_factory=list)  # slowest first

    @property
    def touched(self) -> int:
        return len(self.added) + len(self.changed) + len(self.removed)


@dataclass(frozen=True, order=True)
class PageTime:
    """How long one page took to read, parse and analyse."""

    seconds: float
    path: str
    size: int  # bytes


def slowest_of(times: Iterable[PageTime], count: int = SLOWEST_KEPT) -> list[PageTime]:
    return heapq.nlargest(count, times)


@dataclass
class AnalysedPage:
    """A parsed page and its Whoosh document, analysed where it was parsed (None with
    plain Whoosh: the writer analyses it)."""

    page: Page
    document: PreparedDocument | None
    seconds: float = 0.0  # reading, parsing and analysing it


def scan_content(content_dir: Path) -> tuple[list[SourceFile], list[PageError]]:
    """Every page file under the content folder; links that leave it are refused."""
    root = content_dir.resolve()
    files: list[SourceFile] = []
    problems: list[PageError] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "_")))
        for name in sorted(filenames):
            if name.startswith(".") or not name.endswith((".html", ".htm")):
                continue
            path = Path(dirpath) / name
            relative = path.relative_to(root).as_posix()
            try:
                if path.is_symlink() and not path.resolve(strict=True).is_relative_to(root):
                    problems.append(PageError(relative, "a link to a file outside content/"))
                    continue
                stat = path.stat()
            except (OSError, RuntimeError) as error:  # broken links, link loops
                reason = getattr(error, "strerror", None) or str(error)
                problems.append(PageError(relative, f"cannot be read ({reason})"))
                continue
            if not S_ISREG(stat.st_mode):  # a pipe or device would block the build
                problems.append(PageError(relative, "not a regular file"))
                continue
            files.append(SourceFile(relative, path, stat.st_mtime_ns, stat.st_size))
    return files, problems


def _parse(args: tuple[Path, Path]) -> Page | PageError:
    path, root = args
    try:
        return parse_page(path, root)
    except PageError as error:
        return error
    except Exception as error:  # a page must never stop the rest of the guide
        return PageError(path.relative_to(root).as_posix(), f"could not be parsed ({error!r})")


def _analyse(args: tuple[Path, Path], schema: Schema | None) -> Page | AnalysedPage | PageError:
    """Parse a page and, given the writer's schema, analyse its fields too (with plain
    Whoosh, the writer does that: the page comes back parsed only)."""
    started = time.perf_counter()
    result = _parse(args)
    if schema is None or isinstance(result, PageError):
        return result
    document = None
    if whoosh_fast.enabled():
        try:
            document = prepare_document(schema, page_document(result))
        except Exception as error:  # as for parsing: the rest of the guide still indexes
            return PageError(result.path, f"could not be indexed ({error!r})")
    return AnalysedPage(result, document, time.perf_counter() - started)


_worker_schema: Schema | None = None  # the schema a pool worker analyses with


def _in_worker(args: tuple[Path, Path]) -> Page | AnalysedPage | PageError:
    return _analyse(args, _worker_schema)


_worker_ticks: Any = None  # a full build's progress queue, in its workers


def _start_worker(parent: int, schema: Schema | None = None, ticks: Any = None) -> None:
    """Pool initializer: die with the build; keep one schema (and so one stemming cache)
    for all of this worker's pages rather than unpickling it with every chunk; and the
    queue a full build's workers report their progress on."""
    global _worker_schema, _worker_ticks
    _die_with_parent(parent)
    _worker_schema, _worker_ticks = schema, ticks


def _die_with_parent(parent: int) -> None:
    """Parsing workers end when the build does, even when it is killed: otherwise they
    would linger, holding the writer lock they inherited."""
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass
    if os.getppid() != parent:  # the build died before the line above took effect
        os._exit(1)


def _process_files(
    files: list[SourceFile], content_dir: Path, progress: Progress | None, schema: Schema | None
) -> Iterator[Page | AnalysedPage | PageError]:
    """Parse (and analyse, given a schema) pages, in worker processes when there are many."""
    root = content_dir.resolve()
    jobs = [(f.path, root) for f in files]
    if (workers := _workers_for(len(jobs))) > 1:
        with ProcessPoolExecutor(workers, initializer=_start_worker,
                                 initargs=(os.getpid(), schema)) as pool:
            for result in pool.map(_in_worker, jobs, chunksize=64):
                if progress:
                    progress(1)
                yield result
        return
    for job in jobs:
        result = _analyse(job, schema)
        if progress:
            progress(1)
        yield result


def parse_files(
    files: list[SourceFile], content_dir: Path, progress: Progress | None = None
) -> Iterator[Page | PageError]:
    """Parse pages, in two processes when there are many (HTML parsing is the slow part)."""
    return _process_files(files, content_dir, progress, None)  # type: ignore[return-value]


def analyse_files(
    files: list[SourceFile], content_dir: Path, schema: Schema, progress: Progress | None = None
) -> Iterator[AnalysedPage | PageError]:
    """Parse pages and analyse their fields with `schema`, in the same processes: the
    analysis costs as much as the parsing, and the writer can only run in this one."""
    return _process_files(files, content_dir, progress, schema)  # type: ignore[return-value]


def _manifest_entry(source: SourceFile, page: Page) -> dict:
    return {
        "hash": page.content_hash,
        "mtime_ns": source.mtime_ns,
        "size": source.size,
        "url": page.url,
        "title": page.title,
        "section": page.section,
    }


def _manifest(content_dir: Path, pages: dict[str, dict], report: BuildReport) -> dict:
    return {
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "content_dir": str(content_dir.resolve()),
        "pages": pages,
        "errors": [{"path": e.path, "reason": e.reason} for e in report.errors],
    }


def _writer(ix: whoosh_index.Index) -> IndexWriter:
    """The writer of a build or an update, holding the index's own lock: ours, which files
    documents analysed in the workers, or with plain Whoosh its own."""
    return fast_writer.open_writer(ix) if whoosh_fast.enabled() else ix.writer()


def _slice_writer(ix: whoosh_index.Index) -> IndexWriter:
    """A writer of one segment of a full build (fast path only)."""
    return fast_writer.open_slice_writer(ix)


def _add_page(writer: IndexWriter, result: AnalysedPage, *, update: bool) -> None:
    """File an analysed page (update: in place of the committed page with its path)."""
    if result.document is None:  # plain Whoosh analyses the page itself
        document = page_document(result.page)
        (writer.update_document if update else writer.add_document)(**document)
    elif update:
        writer.update_prepared(result.document)
    else:
        writer.add_prepared(result.document)


def _abandon(writer: IndexWriter | None) -> None:
    """Cancel a writer after an error: its files closed, its lock released, even when
    cancelling itself fails half way."""
    if writer is None or writer.is_closed:
        return
    try:
        writer.cancel()
    except Exception:
        lock = getattr(writer, "writelock", None)
        if lock is not None:
            lock.release()


@dataclass
class SliceReport:
    """What indexing a run of consecutive pages wrote: its segments, in order, and pages."""

    segments: list[Any] = field(default_factory=list)
    entries: dict[str, dict] = field(default_factory=dict)
    errors: list[PageError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds_parsing: float = 0.0
    seconds_indexing: float = 0.0
    parser_notes: Counter[str] = field(default_factory=Counter)
    slowest: list[PageTime] = field(default_factory=list)


def _note_page(report: SliceReport | BuildReport, result: AnalysedPage, size: int) -> None:
    """A page's warnings, parser notes and time, into a report."""
    page = result.page
    report.warnings.extend(f"{page.path}: {w}" for w in page.warnings)
    report.parser_notes.update(set(page.parser_notes))
    report.slowest.append(PageTime(result.seconds, page.path, size))
    if len(report.slowest) > 4 * SLOWEST_KEPT:  # keep the list short on big guides
        report.slowest = slowest_of(report.slowest)


def index_slice(
    build_dir: Path, root: Path, sources: list[SourceFile], progress: Progress | None = None
) -> SliceReport:
    """Parse, analyse and index consecutive pages into new segments of the build's index.

    Segments of consecutive pages, listed in order, number the pages as one writer would."""
    report = SliceReport()
    ix = whoosh_index.open_dir(str(build_dir))
    schema = ix.schema  # read once: each read unpickles a new one, with empty stem caches
    writer = _slice_writer(ix)
    try:
        for source in sources:
            tick = time.perf_counter()
            result = _analyse((source.path, root), schema)
            report.seconds_parsing += time.perf_counter() - tick
            if progress:
                progress(1)
            if isinstance(result, PageError):
                report.errors.append(result)
                continue
            page = result.page
            _note_page(report, result, source.size)
            tick = time.perf_counter()
            _add_page(writer, result, update=False)
            # (Whoosh's own pool, in the tests' reference builds, spills to disk itself.)
            if getattr(writer.pool, "postings", 0) >= SEGMENT_POSTINGS:
                report.segments.append(fast_writer.finish_segment(writer))
                writer = _slice_writer(ix)
            report.seconds_indexing += time.perf_counter() - tick
            report.entries[page.path] = _manifest_entry(source, page)
        tick = time.perf_counter()
        if (segment := fast_writer.finish_segment(writer)) is not None:
            report.segments.append(segment)
        report.seconds_indexing += time.perf_counter() - tick
    except BaseException:
        _abandon(writer)
        raise
    finally:
        ix.close()
    return report


def slices_of(files: list[SourceFile], workers: int) -> list[list[SourceFile]]:
    """Runs of consecutive pages: one per worker, or a few per worker (the same number for
    each, so none waits alone at the end) when one each would exceed SLICE_PAGES."""
    count = workers * max(1, math.ceil(len(files) / (SLICE_PAGES * workers)))
    size = max(1, math.ceil(len(files) / count))
    return [files[start:start + size] for start in range(0, len(files), size)]


def _tick(count: int) -> None:
    _worker_ticks.put(count)


def _index_slices(
    build_dir: Path, root: Path, slices: list[list[SourceFile]], workers: int,
    progress: Progress | None,
) -> list[SliceReport]:
    """Each slice indexed in a worker process, reports in the slices' order."""
    context = multiprocessing.get_context()
    ticks = context.Queue() if progress else None
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker,
                             initargs=(os.getpid(), None, ticks)) as pool:
        futures: list[Future] = [
            pool.submit(index_slice, build_dir, root, part, _tick if ticks else None)
            for part in slices
        ]
        try:
            pending = set(futures)
            while pending:
                done, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
                for future in done:
                    future.result()  # a slice that failed stops the build now
                if ticks is not None and progress is not None:
                    _pass_on(ticks, progress)
            reports = [future.result() for future in futures]
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
    if ticks is not None:
        ticks.close()
    return reports


def _pass_on(ticks: Any, progress: Progress) -> None:
    """Hand the pages the workers reported to the progress bar."""
    while True:
        try:
            progress(ticks.get_nowait())
        except Empty:
            return


def build_index(
    content_dir: Path,
    index_dir: Path,
    *,
    progress: Progress | None = None,
    lock_timeout: float = 5.0,
) -> BuildReport:
    """Index every page into a new generation and publish it; the live one is untouched
    until the new one is complete."""
    started = time.perf_counter()
    report = BuildReport()
    with generations.writer_lock(index_dir, lock_timeout) as recovered:
        if recovered:
            report.warnings.append(recovered)
        generations.remove_abandoned_builds(index_dir)
        files, problems = scan_content(content_dir)
        report.errors.extend(problems)
        build_dir = generations.new_build_dir(index_dir)
        ix = whoosh_index.create_in(str(build_dir), build_schema())
        root = content_dir.resolve()
        try:
            workers = _workers_for(len(files))
            report.workers = workers
            if not whoosh_fast.enabled():
                entries = _gather([_index_plainly(ix, content_dir, files, progress)], report)
            else:
                slices = slices_of(files, workers)
                if workers > 1:
                    slice_reports = _index_slices(build_dir, root, slices, workers, progress)
                else:
                    slice_reports = [index_slice(build_dir, root, files, progress)]
                segments = [s for part in slice_reports for s in part.segments]
                entries = _gather(slice_reports, report)
                if not segments:
                    raise PageError(content_dir, NOTHING_INDEXED)
                tick = time.perf_counter()
                # One table of contents lists every slice's segments, in the pages' order.
                _commit(_writer(ix), mergetype=lambda _writer, existing: [*existing, *segments])
                report.seconds_indexing += time.perf_counter() - tick
        except BaseException:
            ix.close()
            shutil.rmtree(build_dir, ignore_errors=True)
            raise
        ix.close()
        report.pages = len(entries)
        manifest_out = _manifest(content_dir, entries, report)
        generation = generations.publish(index_dir, build_dir, manifest_out)
        report.generation = generation.number
    report.seconds = time.perf_counter() - started
    return report


def _commit(writer: IndexWriter, **options: Any) -> None:
    """Commit, or cancel (closing its files and releasing its lock) when that fails."""
    try:
        writer.commit(**options)
    except BaseException:
        _abandon(writer)
        raise


def _index_plainly(ix: whoosh_index.Index, content_dir: Path, files: list[SourceFile],
                   progress: Progress | None) -> SliceReport:
    """Plain Whoosh: pages parsed (in worker processes when there are many) and given to
    one writer's `add_document` here, which analyses them; committed at the end."""
    report = SliceReport()
    sources = {f.relative: f for f in files}
    writer = _writer(ix)
    try:
        for result in analyse_files(files, content_dir, ix.schema, progress):
            if isinstance(result, PageError):
                report.errors.append(result)
                continue
            page = result.page
            _note_page(report, result, sources[page.path].size)
            report.seconds_parsing += result.seconds
            tick = time.perf_counter()
            _add_page(writer, result, update=False)
            report.seconds_indexing += time.perf_counter() - tick
            report.entries[page.path] = _manifest_entry(sources[page.path], page)
        if not report.entries:
            raise PageError(content_dir, NOTHING_INDEXED)
    except BaseException:
        _abandon(writer)
        raise
    tick = time.perf_counter()
    _commit(writer)
    report.seconds_indexing += time.perf_counter() - tick
    return report


def _workers_for(pages: int) -> int:
    if pages >= PARALLEL_FROM and (os.cpu_count() or 1) > 1:
        return min(4, os.cpu_count() or 1)
    return 1


def _gather(slice_reports: list[SliceReport], report: BuildReport) -> dict[str, dict]:
    """The slices' pages, errors, warnings and seconds, into the build's report."""
    entries: dict[str, dict] = {}
    for part in slice_reports:
        entries.update(part.entries)
        report.added.extend(part.entries)
        report.errors.extend(part.errors)
        report.warnings.extend(part.warnings)
        report.seconds_parsing += part.seconds_parsing
        report.seconds_indexing += part.seconds_indexing
        report.parser_notes.update(part.parser_notes)
        report.slowest.extend(part.slowest)
    report.slowest = slowest_of(report.slowest)
    return entries


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def pending_changes(
    files: list[SourceFile], indexed: dict[str, dict]
) -> tuple[list[SourceFile], list[SourceFile], list[str], dict[str, int]]:
    """Added and changed files (by content hash), removed paths, and files whose only
    change is their time stamp."""
    added, changed, touched_only = [], [], {}
    for source in files:
        entry = indexed.get(source.relative)
        if entry is None:
            added.append(source)
        elif (entry["mtime_ns"], entry["size"]) != (source.mtime_ns, source.size):
            if entry["hash"] == file_hash(source.path):
                touched_only[source.relative] = source.mtime_ns
            else:
                changed.append(source)
    present = {f.relative for f in files}
    removed = sorted(path for path in indexed if path not in present)
    return added, changed, removed, touched_only


def update_index(
    content_dir: Path,
    index_dir: Path,
    *,
    progress: Progress | None = None,
    lock_timeout: float = 5.0,
) -> BuildReport:
    """Reindex only added, changed and removed pages, into a new generation that shares
    the live one's unchanged files. A page that no longer parses keeps its last good copy."""
    live = generations.live_generation(index_dir)
    if live is None:
        return build_index(content_dir, index_dir, progress=progress, lock_timeout=lock_timeout)
    started = time.perf_counter()
    report = BuildReport()
    with generations.writer_lock(index_dir, lock_timeout) as recovered:
        if recovered:
            report.warnings.append(recovered)
        generations.remove_abandoned_builds(index_dir)
        live = generations.live_generation(index_dir) or live
        manifest = live.manifest()
        entries: dict[str, dict] = dict(manifest["pages"])
        files, problems = scan_content(content_dir)
        report.errors.extend(problems)
        added, changed, removed, touched_only = pending_changes(files, entries)
        for path, mtime_ns in touched_only.items():
            entries[path] = {**entries[path], "mtime_ns": mtime_ns}
        report.pages = len(entries)
        if not (added or changed or removed):
            report.generation = live.number
            if touched_only:  # new file times only: the same generation, a new manifest file
                generations.replace_manifest(live, {**manifest, "pages": entries})
            report.seconds = time.perf_counter() - started
            return report
        build_dir = generations.new_build_dir(index_dir, base=live)
        ix: whoosh_index.Index | None = None
        writer: IndexWriter | None = None
        try:
            ix = generations.open_generation(generations.Generation(live.number, build_dir))
            writer = _writer(ix)
            for path in removed:
                writer.delete_by_term(PATH, path)
                entries.pop(path, None)
                report.removed.append(path)
            sources = {f.relative: f for f in added + changed}
            for result in analyse_files(added + changed, content_dir, writer.schema, progress):
                if isinstance(result, PageError):
                    report.errors.append(result)
                    continue
                page = result.page
                _note_page(report, result, sources[page.path].size)
                _add_page(writer, result, update=True)
                entries[page.path] = _manifest_entry(sources[page.path], page)
                (report.changed if page.path in manifest["pages"] else report.added).append(
                    page.path
                )
            writer.commit()
        except BaseException:
            _abandon(writer)  # its files closed and the index's lock released
            shutil.rmtree(build_dir, ignore_errors=True)
            raise
        finally:
            if ix is not None:
                ix.close()
        report.slowest = slowest_of(report.slowest)
        report.pages = len(entries)
        manifest_out = _manifest(content_dir, entries, report)
        generation = generations.publish(index_dir, build_dir, manifest_out)
        report.generation = generation.number
    report.seconds = time.perf_counter() - started
    return report
