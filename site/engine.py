"""The engine thread: every read of the index and every search in this process runs on one
thread, one at a time, so the event loop stays free for static files, 304s and new
connections while a slow search runs (Datasette's rule: reads on an executor).

Why one thread and not a pool: the search caches (term scores, bitmasks, stored fields,
snippet analysis) then need no locks, and on two cores a second search thread would only
share the same interpreter lock. More throughput comes from more worker processes
(`LUPUS_GUIDE_WORKERS`), each with its own engine thread and caches.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import TypeVar

T = TypeVar("T")


class Engine:
    def __init__(self) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="engine")

    async def run(self, work: Callable[..., T], *args) -> T:
        """`work(*args)` on the engine thread, without blocking the event loop."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, partial(work, *args))

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
