"""Index generations on disk: build into a fresh folder, publish it atomically, open the live one.

Layout of the index folder:
    CURRENT          the live generation's folder name (replaced atomically)
    gen-000007/      a complete Whoosh index plus manifest.json
    .build-*/        a generation being written (removed if its writer died)
    writer.lock      held (flock) by the one process allowed to write
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import socket
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage

POINTER = "CURRENT"
LOCK = "writer.lock"
MANIFEST = "manifest.json"
PREFIX = "gen-"
BUILD_PREFIX = ".build-"
KEEP_OLD = 2  # readers that opened a recent generation can finish with it
TEMPORARY_SUFFIX = ".tmp"  # a file being written, renamed over its final name when whole


class IndexLocked(Exception):
    """Another process holds the writer lock."""


class NoIndex(Exception):
    """There is no published generation yet."""


@dataclass(frozen=True)
class Generation:
    number: int
    path: Path

    @property
    def name(self) -> str:
        return self.path.name

    def manifest(self) -> dict:
        return json.loads((self.path / MANIFEST).read_text("utf-8"))


def _number(name: str) -> int:
    try:
        return int(name.removeprefix(PREFIX))
    except ValueError:
        return -1


def live_generation(index_dir: Path) -> Generation | None:
    """The published generation, or None before the first build."""
    try:
        name = (index_dir / POINTER).read_text("utf-8").strip()
    except FileNotFoundError:
        return None
    path = index_dir / name
    if not name.startswith(PREFIX) or not (path / MANIFEST).exists():
        return None
    return Generation(_number(name), path)


def open_generation(generation: Generation, attempts: int = 5, *, mmap: bool = True
                    ) -> whoosh_index.Index:
    """Open a generation's Whoosh index, retrying the rare race with a commit. Without
    mmap, the index's pages stay in the OS cache instead of counting in the reader's memory."""
    for attempt in range(attempts):
        try:
            return FileStorage(str(generation.path), supports_mmap=mmap).open_index()
        except (FileNotFoundError, whoosh_index.EmptyIndexError):
            if attempt == attempts - 1:
                raise
            time.sleep(0.02 * (attempt + 1))
    raise AssertionError("unreachable")


def _holder_text() -> str:
    command = " ".join(os.path.basename(a) if i == 0 else a for i, a in enumerate(sys.argv))
    return json.dumps(
        {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "command": command[:200],
            "since": datetime.now(UTC).isoformat(timespec="seconds"),
        }
    )


def describe_holder(index_dir: Path) -> str:
    try:
        holder = json.loads((index_dir / LOCK).read_text("utf-8") or "{}")
    except (OSError, ValueError):
        return "another process"
    return (
        f"process {holder.get('pid')} on {holder.get('host')} "
        f"({holder.get('command')!s}, since {holder.get('since')})"
    )


@contextlib.contextmanager
def writer_lock(index_dir: Path, timeout: float = 5.0) -> Iterator[str | None]:
    """Hold the one writer lock; yields a note when a dead writer's lock was recovered.

    The lock is a kernel flock, so a killed writer releases it by dying; its note in the
    file is what tells us that it was left behind.
    """
    index_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(index_dir / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise IndexLocked(
                        f"the index at {index_dir} is being written by "
                        f"{describe_holder(index_dir)}; try again when it has finished"
                    ) from None
                time.sleep(0.05)
        previous = os.pread(fd, 4096, 0).decode("utf-8", "replace").strip()
        recovered = None
        if previous:
            recovered = f"recovered the lock left by a writer that stopped: {previous}"
        os.ftruncate(fd, 0)
        os.pwrite(fd, _holder_text().encode(), 0)
        try:
            yield recovered
        finally:
            os.ftruncate(fd, 0)
    finally:
        os.close(fd)


def remove_abandoned_builds(index_dir: Path) -> list[str]:
    """Delete half-written generations; call only while holding the writer lock."""
    removed = []
    for path in index_dir.glob(BUILD_PREFIX + "*"):
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path.name)
    return removed


def new_build_dir(index_dir: Path, base: Generation | None = None) -> Path:
    """A fresh folder to write a generation in; with `base`, its files hard-linked in.

    Whoosh never changes a segment file after writing it, so the new generation can share
    them with the live one and an update copies no data.
    """
    path = index_dir / f"{BUILD_PREFIX}{os.getpid()}-{time.time_ns()}"
    path.mkdir(parents=True)
    if base is not None:
        for item in base.path.iterdir():
            if (item.is_file() and item.name != MANIFEST
                    and not item.name.endswith((".lock", TEMPORARY_SUFFIX))):
                os.link(item, path / item.name)
    return path


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _replace_file(path: Path, text: str) -> None:
    """Write a file whole under a temporary name, fsync it and rename it over `path`: a
    reader opening it sees the old file or the new one, never half of one."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}{TEMPORARY_SUFFIX}")
    try:
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def _manifest_text(manifest: dict) -> str:
    """A manifest as written to its file (one form for a new build and for a replacement)."""
    return json.dumps(manifest, indent=1)


def replace_manifest(generation: Generation, manifest: dict) -> None:
    """A published generation's manifest replaced whole (never rewritten in place: the
    site may be reading it)."""
    _replace_file(generation.path / MANIFEST, _manifest_text(manifest))


def publish(index_dir: Path, build_dir: Path, manifest: dict) -> Generation:
    """Make a finished build the live generation in one atomic step."""
    current = live_generation(index_dir)
    numbers = [_number(p.name) for p in index_dir.glob(PREFIX + "*")]
    number = max([*numbers, current.number if current else 0, 0]) + 1
    manifest = {**manifest, "generation": number}
    (build_dir / MANIFEST).write_text(_manifest_text(manifest), "utf-8")
    for item in build_dir.iterdir():
        with open(item, "rb") as handle:
            os.fsync(handle.fileno())
    final = index_dir / f"{PREFIX}{number:06d}"
    os.rename(build_dir, final)
    _replace_file(index_dir / POINTER, final.name + "\n")  # the one step that publishes
    remove_old_generations(index_dir)
    return Generation(number, final)


def remove_old_generations(index_dir: Path, keep: int = KEEP_OLD) -> None:
    live = live_generation(index_dir)
    if live is None:
        return
    older = sorted(
        (p for p in index_dir.glob(PREFIX + "*") if _number(p.name) < live.number),
        key=lambda p: _number(p.name),
    )
    for path in older[: max(0, len(older) - keep)]:
        shutil.rmtree(path, ignore_errors=True)
