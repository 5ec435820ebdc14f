"""The guides the build benchmarks read: the shipped guide, the synthetic guide and the
realistic corpora of generated documentation (bench/realistic.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import realistic
import synth

ROOT = Path(__file__).resolve().parent.parent
SYNTHETIC_PAGES = 1000
CORPUS_NAMES = ("shipped", "synthetic", "realistic-mix", "realistic-long")
GROUPS = {  # what --corpus accepts besides one name
    "all": CORPUS_NAMES,
    "realistic": ("realistic-mix", "realistic-long"),
}


@dataclass(frozen=True)
class CorpusFolder:
    name: str
    path: Path
    pages: int
    bytes: int
    largest: int  # bytes of the largest page


def corpus_names(choice: str) -> tuple[str, ...]:
    """`all`, `realistic`, or names separated by commas."""
    if choice in GROUPS:
        return GROUPS[choice]
    names = tuple(name.strip() for name in choice.split(",") if name.strip())
    unknown = [name for name in names if name not in CORPUS_NAMES]
    if unknown:
        raise SystemExit(f"unknown corpus {unknown[0]!r}: choose from {', '.join(CORPUS_NAMES)},"
                         f" {', '.join(GROUPS)}")
    return names


def corpus_folder(name: str, log=print) -> CorpusFolder:
    """The corpus's folder, generated first when it is not cached yet."""
    if name == "shipped":
        path = ROOT / "content"
    elif name == "synthetic":
        path = synth.ensure_guide(SYNTHETIC_PAGES, log=log)
    else:
        path = realistic.ensure_corpus(name.removeprefix("realistic-"), log=log)
    sizes = [p.stat().st_size for p in path.rglob("*.htm*") if p.is_file()]
    return CorpusFolder(name, path, len(sizes), sum(sizes), max(sizes, default=0))


def baseline_tree(commit: str, log=print) -> Path:
    """The project's code at `commit` (git archive), to measure against: cached."""
    resolved = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short=12", commit],
                              capture_output=True, text=True, check=True).stdout.strip()
    target = synth.CACHE_ROOT / f"baseline-{resolved}"
    if not (target / "indexer").is_dir():
        log(f"extracting the code of {resolved} into {target} ...")
        building = target.with_name(f"{target.name}.tmp-{os.getpid()}")
        shutil.rmtree(building, ignore_errors=True)
        building.mkdir(parents=True)
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", resolved, "indexer"],
                                 capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(building)], input=archive, check=True)
        shutil.rmtree(target, ignore_errors=True)
        os.rename(building, target)
    return target


def code_env(tree: Path | None) -> dict[str, str]:
    """The environment for a subprocess that imports `indexer` from `tree` (this
    checkout's own code when None)."""
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    env.pop("PYTHONPATH", None)
    if tree is not None:
        env["PYTHONPATH"] = str(tree)
    return env
