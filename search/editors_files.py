"""A file from content/ that the search reads at request time and re-reads when it changes,
so editors' edits to synonyms or safety notices need no rebuild and no restart. Safe to call
from any thread (the event loop asks for its version, the engine thread for its value)."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Generic, TypeVar

T = TypeVar("T")
log = logging.getLogger("lupus_guide")


class ContentFile(Generic[T]):
    def __init__(self, path: Path, parse: Callable[[str], T], empty: T) -> None:
        self.path = Path(path)
        self.parse = parse
        self.empty = empty
        self._key: tuple[int, int] | None = None
        self._value: T = empty
        self._lock = threading.Lock()

    def read(self) -> tuple[str, T]:
        """The file's version and its parsed value (the last good one when an edit does not
        parse), from one look at the file: the version changes whenever the file does (part
        of the cache key of search pages), and always names the value returned with it."""
        key, value = self._read()
        return (f"{key[0]}-{key[1]}" if key else "none"), value

    def _read(self) -> tuple[tuple[int, int] | None, T]:
        try:
            stat = os.stat(self.path)
        except FileNotFoundError:
            stat = None
        with self._lock:
            if stat is None:
                self._key, self._value = None, self.empty
            elif (key := (stat.st_mtime_ns, stat.st_size)) != self._key:
                try:
                    self._value = self.parse(self.path.read_text("utf-8"))
                except (OSError, ValueError) as error:
                    log.warning("keeping the last good %s: %s", self.path.name, error)
                self._key = key
            return self._key, self._value
