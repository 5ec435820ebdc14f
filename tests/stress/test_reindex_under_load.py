"""A short run of bench/stress.py: the real server keeps answering known searches right
while the index is rebuilt, updated, its writers SIGKILLed and two writers start at once."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load_stress() -> ModuleType:
    """bench/stress.py under a name that cannot clash with this tests/stress folder."""
    name = "lupus_bench_stress"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / "stress.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while being defined
    spec.loader.exec_module(module)
    return module


stress = _load_stress()

KILLS = 5


@pytest.fixture(scope="module")
def counts(tmp_path_factory: pytest.TempPathFactory):
    config = stress.StressConfig(seconds=60, rounds=6, kills=KILLS, writer_pairs=2,
                                 clients=3, seed=7, log=False)
    return stress.run(config, tmp_path_factory.mktemp("stress") / "run")


def test_searches_never_fail_come_back_empty_or_wrong(counts) -> None:
    assert counts.requests > 50, counts.summary()
    assert (counts.errors, counts.empty, counts.wrong) == (0, 0, 0), counts.summary()


def test_every_build_and_update_keeps_every_page(counts) -> None:
    assert (counts.builds >= 3 and counts.updates == 3), counts.summary()
    assert counts.commands_failed == 0, counts.summary()
    assert counts.lost_pages == 0, counts.summary()
    assert counts.index_broken == 0, counts.summary()
    assert counts.page_count_checks >= 6, counts.summary()


def test_killed_writers_never_break_the_live_index(counts) -> None:
    assert counts.kill_attempts == KILLS, counts.summary()
    assert counts.builds_killed + counts.finished_before_kill == KILLS, counts.summary()
    assert counts.builds_killed >= 1, counts.summary()
    assert counts.recovered == KILLS, counts.summary()


def test_two_writers_at_once_one_wins_the_other_waits_or_is_told(counts) -> None:
    assert counts.writer_pairs == 2, counts.summary()
    assert counts.writer_failures == 0, counts.summary()
    assert counts.writers_waited + counts.writers_refused >= 3, counts.summary()
