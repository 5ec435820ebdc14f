"""The site's configuration: environment variables with defaults, read in one place."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from starlette.config import Config

from indexer.settings import ENV_PREFIX, load_index_settings
from insights.settings import InsightsSettings, load_insights_settings


@dataclass(frozen=True)
class Settings:
    content_dir: Path
    index_dir: Path
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    per_page: int = 10
    max_query_chars: int = 300
    max_page_number: int = 50
    cache_seconds: int = 0
    warm_seconds: float = 2.0  # at start, scores of the most used terms are worked out
    insights: InsightsSettings = field(default_factory=InsightsSettings)  # insights' own

    def with_paths(self, content_dir: Path | None, index_dir: Path | None) -> Settings:
        return replace(self, content_dir=content_dir or self.content_dir,
                       index_dir=index_dir or self.index_dir)


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Settings from LUPUS_GUIDE_* variables (no .env file is read); the paths are the
    indexer's."""
    environ = os.environ if environ is None else environ
    paths = load_index_settings(environ)
    config = Config(environ=dict(environ))

    def get(name: str, cast: type, default):
        return config(ENV_PREFIX + name, cast=cast, default=default)

    return Settings(
        content_dir=paths.content_dir,
        index_dir=paths.index_dir,
        host=get("HOST", str, "127.0.0.1"),
        port=get("PORT", int, 8000),
        workers=get("WORKERS", int, 1),
        per_page=get("PER_PAGE", int, 10),
        max_query_chars=get("MAX_QUERY_CHARS", int, 300),
        max_page_number=get("MAX_PAGE_NUMBER", int, 50),
        cache_seconds=get("CACHE_SECONDS", int, 0),
        warm_seconds=get("WARM_SECONDS", float, 2.0),
        insights=load_insights_settings(environ),
    )
