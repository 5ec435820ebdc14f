"""The insights' configuration: environment variables with defaults, read in one place."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from indexer.settings import ENV_PREFIX, env_value

DB_NAME = "insights.sqlite3"  # in the index folder, beside the generations, never in one
OFF = frozenset({"0", "false", "no", "off"})


@dataclass(frozen=True)
class InsightsSettings:
    enabled: bool = True
    db_path: Path | None = None  # None: DB_NAME inside the index folder
    retention_days: int = 90
    min_hours: int = 3  # a query is shown only once seen in this many different hours
    admin_token: str = ""  # empty: /admin/... does not exist
    queue_size: int = 10_000  # events waiting to be written; beyond it they are dropped
    busy_ms: int = 5_000  # how long the writer waits for another process's lock

    def db_for(self, index_dir: Path) -> Path:
        """The database file: the setting, or the default inside `index_dir`."""
        return self.db_path if self.db_path is not None else Path(index_dir) / DB_NAME


def load_insights_settings(environ: Mapping[str, str] | None = None) -> InsightsSettings:
    """Settings from LUPUS_GUIDE_INSIGHTS* and LUPUS_GUIDE_ADMIN_TOKEN."""
    environ = os.environ if environ is None else environ
    switch = env_value(environ, "INSIGHTS", str, "1").strip().lower()
    db = env_value(environ, "INSIGHTS_DB", str, "")
    settings = InsightsSettings(
        enabled=switch not in OFF,
        db_path=Path(db) if db else None,
        retention_days=env_value(environ, "INSIGHTS_RETENTION_DAYS", int, 90),
        min_hours=env_value(environ, "INSIGHTS_MIN_HOURS", int, 3),
        admin_token=env_value(environ, "ADMIN_TOKEN", str, ""),
        queue_size=env_value(environ, "INSIGHTS_QUEUE", int, 10_000),
        busy_ms=env_value(environ, "INSIGHTS_BUSY_MS", int, 5_000),
    )
    for name, value in (("INSIGHTS_RETENTION_DAYS", settings.retention_days),
                        ("INSIGHTS_MIN_HOURS", settings.min_hours),
                        ("INSIGHTS_QUEUE", settings.queue_size)):
        if value < 1:
            raise ValueError(f"{ENV_PREFIX}{name} must be 1 or more")
    return settings
