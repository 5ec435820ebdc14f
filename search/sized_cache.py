"""SizedCache: a least-recently-used cache bounded by the bytes of what it holds."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

Value = TypeVar("Value")


class SizedCache(Generic[Value]):
    """Values by key; the least recently used go first once their sizes pass `limit`."""

    def __init__(self, limit: int, size_of: Callable[[Value], int]) -> None:
        self.limit = limit
        self.size_of = size_of
        self.used = 0
        self.entries: OrderedDict[object, Value] = OrderedDict()

    def __contains__(self, key: object) -> bool:
        return key in self.entries

    def get(self, key: object, make: Callable[[], Value]) -> Value:
        """The value kept for `key`, or `make()`'s, kept from now on."""
        value = self.entries.get(key)
        if value is not None:
            self.entries.move_to_end(key)
            return value
        value = self.entries[key] = make()
        self.used += self.size_of(value)
        while self.used > self.limit and len(self.entries) > 1:
            _, old = self.entries.popitem(last=False)
            self.used -= self.size_of(old)
        return value
