"""A token bucket per process: how many events of one kind (feedback, opened results,
failed admin logins) are taken per minute. It counts requests, never who made them, so it
holds nothing about a reader; the price is that a flood pauses everyone's feedback briefly,
which only costs statistics."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class RateLimit:
    def __init__(self, per_minute: float, burst: int,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = per_minute / 60.0
        self.burst = burst
        self.clock = clock
        self._tokens = float(burst)
        self._at = clock()
        self._lock = threading.Lock()

    def _refill(self) -> None:
        now = self.clock()
        self._tokens = min(self.burst, self._tokens + (now - self._at) * self.rate)
        self._at = now

    def allow(self) -> bool:
        """Takes one token if there is one."""
        with self._lock:
            self._refill()
            if self._tokens >= 1:
                self._tokens -= 1
                return True
            return False

    def exhausted(self) -> bool:
        """Whether a request would be refused now (without taking a token)."""
        with self._lock:
            self._refill()
            return self._tokens < 1

    def retry_after(self) -> int:
        """Whole seconds until a token is back."""
        with self._lock:
            self._refill()
            return max(1, int((1 - self._tokens) / self.rate + 0.999)) if self._tokens < 1 else 0
