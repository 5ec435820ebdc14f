"""A file from content/ that the site reads at request time and re-reads when it changes,
so editors' edits to synonyms or safety notices need no rebuild and no restart."""

from __future__ import annotations

import logging
import os
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

    def get(self) -> T:
        """The parsed file; the last good version when an edit does not parse."""
        try:
            stat = os.stat(self.path)
        except FileNotFoundError:
            self._key, self._value = None, self.empty
            return self._value
        key = (stat.st_mtime_ns, stat.st_size)
        if key != self._key:
            try:
                self._value = self.parse(self.path.read_text("utf-8"))
            except (OSError, ValueError) as error:
                log.warning("keeping the last good %s: %s", self.path.name, error)
            self._key = key
        return self._value

    @property
    def version(self) -> str:
        """Changes whenever the file does (part of the cache key of search pages)."""
        self.get()
        return f"{self._key[0]}-{self._key[1]}" if self._key else "none"
