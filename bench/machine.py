"""How busy the machine is: other processes' CPU use during a step, and waiting for quiet.

On a shared machine (tests, a browser, another build) the numbers move; each step records
how much of the CPU the *other* processes used meanwhile, so a noisy step can be spotted.
"""

from __future__ import annotations

import os
import resource
import time
from dataclasses import dataclass, field

TICKS = os.sysconf("SC_CLK_TCK")
CPUS = os.cpu_count() or 1


def busy_cpu_seconds() -> float:
    """CPU seconds spent busy by the whole machine since boot (all cores)."""
    with open("/proc/stat") as stat:
        values = [int(v) for v in stat.readline().split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    busy = sum(values[:8]) - idle  # user..steal; guest time is already in user
    return busy / TICKS


def own_cpu_seconds() -> float:
    """CPU seconds of this process and of the children it has waited for."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


@dataclass
class CpuMeter:
    """Started at creation; `others()` is the share of all cores used by other processes."""

    wall: float = field(default_factory=time.monotonic)
    busy: float = field(default_factory=busy_cpu_seconds)
    own: float = field(default_factory=own_cpu_seconds)

    def others(self) -> float:
        wall = time.monotonic() - self.wall
        busy = busy_cpu_seconds() - self.busy
        own = own_cpu_seconds() - self.own
        return max(0.0, busy - own) / (wall * CPUS) if wall > 0 else 0.0


def wait_for_quiet(max_seconds: float, threshold: float = 0.10, sample: float = 2.0) -> dict:
    """Wait (at most `max_seconds`) until other processes use under `threshold` of all cores
    over a `sample`-second window; returns how long it waited and the last share seen."""
    started = time.monotonic()
    share = 0.0
    while True:
        meter = CpuMeter()
        time.sleep(sample)
        share = meter.others()
        waited = time.monotonic() - started
        if share < threshold or waited >= max_seconds:
            return {"waited_seconds": waited, "others_share": share,
                    "quiet": share < threshold}
