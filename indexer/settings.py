"""The indexer's configuration: environment variables with defaults, read in one place.

Only what building and checking need; the site reads its own (`guide_site.settings`), so
`lupus-guide build` never loads the web framework."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

ENV_PREFIX = "LUPUS_GUIDE_"
READERS = ("lxml", "soup")
# LUPUS_GUIDE_WHOOSH_FAST: "auto" uses Whoosh's internals on a Whoosh they were proven on
# (indexer.whoosh_fast); "off" uses plain Whoosh everywhere, as on any other version.
WHOOSH_FAST = ("auto", "off")


@dataclass(frozen=True)
class IndexSettings:
    content_dir: Path
    index_dir: Path
    lock_timeout: float = 5.0  # seconds a writer waits for another to finish
    reader: str = "lxml"  # how pages are read: "lxml" (fast) or "soup" (the reference)

    def with_paths(self, content_dir: Path | None, index_dir: Path | None) -> IndexSettings:
        return replace(self, content_dir=content_dir or self.content_dir,
                       index_dir=index_dir or self.index_dir)


def env_value(environ: Mapping[str, str], name: str, cast: type, default):
    """LUPUS_GUIDE_<name> cast to its type; a clear error for a value that is not one."""
    raw = environ.get(ENV_PREFIX + name)
    if raw is None or raw == "":
        return default
    try:
        return cast(raw)
    except ValueError:
        raise ValueError(f"{ENV_PREFIX}{name}={raw!r} is not a {cast.__name__}") from None


def load_index_settings(environ: Mapping[str, str] | None = None) -> IndexSettings:
    """Settings from LUPUS_GUIDE_* variables (no .env file is read)."""
    environ = os.environ if environ is None else environ
    reader = env_value(environ, "READER", str, "lxml")
    if reader not in READERS:
        raise ValueError(f"{ENV_PREFIX}READER must be one of {', '.join(READERS)}")
    return IndexSettings(
        content_dir=Path(env_value(environ, "CONTENT", str, "content")),
        index_dir=Path(env_value(environ, "INDEX", str, "index")),
        lock_timeout=env_value(environ, "LOCK_TIMEOUT", float, 5.0),
        reader=reader,
    )


def whoosh_fast_wanted(environ: Mapping[str, str] | None = None) -> bool:
    """False when LUPUS_GUIDE_WHOOSH_FAST is "off" (read by every process: the build's
    workers and the site's too)."""
    environ = os.environ if environ is None else environ
    value = env_value(environ, "WHOOSH_FAST", str, "auto").strip().lower()
    if value not in WHOOSH_FAST:
        raise ValueError(f"{ENV_PREFIX}WHOOSH_FAST must be one of {', '.join(WHOOSH_FAST)}")
    return value == "auto"
