"""The one switch: Whoosh's private names are used only on a Whoosh they were proven on.

`enabled()` is True when the installed Whoosh is one of PROVEN_VERSIONS, every private
name of `inventory.PRIVATE_NAMES` is there, and LUPUS_GUIDE_WHOOSH_FAST is not "off".
Otherwise the project uses plain Whoosh (slower, the same answers) and logs one line
saying why, once per process.
"""

from __future__ import annotations

import importlib
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass

import whoosh

from indexer.settings import whoosh_fast_wanted
from indexer.whoosh_fast.inventory import PRIVATE_NAMES

# The Whoosh releases the fast paths were compared against, byte for byte and score for
# score (tests/test_build_equivalence.py, tests/test_ranking.py, tests/test_analysis.py).
PROVEN_VERSIONS = frozenset({(2, 7, 4)})

log = logging.getLogger("lupus_guide")


@dataclass(frozen=True)
class Decision:
    fast: bool
    reason: str  # why not, when not; "" when fast


def installed_version() -> tuple[int, ...]:
    """The installed Whoosh's version as numbers, e.g. (2, 7, 4); () when it has none."""
    version = getattr(whoosh, "__version__", ())
    if isinstance(version, str):  # some forks give "2.7.5" instead of a tuple
        version = tuple(int(part) for part in version.split(".") if part.isdigit())
    return tuple(version)


def missing_internals() -> list[str]:
    """The private names of the inventory the installed Whoosh does not have."""
    missing = []
    for place, names in PRIVATE_NAMES.items():
        module_name, _, class_name = place.partition(":")
        try:
            owner = importlib.import_module(module_name)
            if class_name:
                owner = getattr(owner, class_name)
        except (ImportError, AttributeError):
            missing.append(place)
            continue
        missing.extend(f"{place}.{name}" for name in names if not hasattr(owner, name))
    return missing


def decide(version: tuple[int, ...] | None = None,
           environ: Mapping[str, str] | None = None) -> Decision:
    """Whether to use the fast paths, and if not, why (in words for the log)."""
    version = installed_version() if version is None else version
    if not whoosh_fast_wanted(os.environ if environ is None else environ):
        return Decision(False, "LUPUS_GUIDE_WHOOSH_FAST=off")
    shown = ".".join(map(str, version)) or "of unknown version"
    proven = ", ".join(".".join(map(str, v)) for v in sorted(PROVEN_VERSIONS))
    if version not in PROVEN_VERSIONS:
        return Decision(False, f"Whoosh {shown} is not a version it was proven on ({proven})")
    missing = missing_internals()
    if missing:
        return Decision(False, f"Whoosh {shown} lacks {', '.join(missing[:3])}")
    return Decision(True, "")


_decision: Decision | None = None
_logged: set[str] = set()


def enabled() -> bool:
    """Whether the fast paths are on (decided once per process; see `refresh`)."""
    global _decision
    decision = _decision
    if decision is None:
        decision = _decision = decide()
        if not decision.fast and decision.reason not in _logged:
            _logged.add(decision.reason)
            log.warning("lupus-guide uses plain Whoosh (slower builds and searches): %s",
                        decision.reason)
    return decision.fast


def refresh() -> bool:
    """Decide again (after the environment or the installed version changed: tests)."""
    global _decision
    _decision = None
    return enabled()
