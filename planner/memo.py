"""Small in-process caches for what a saved plan renders to: pages, JSON documents, PDFs.

A plan changes only through a new revision (new `revision` and `updated_at`), a new share-link
expiry, or a new link (the token is in every key), so an entry keyed by `plan_key()` is never
stale. Each worker process keeps its own few entries; nothing is shared or written anywhere.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable


class Recent:
    """The last `size` values put, by key (least recently used out first); thread-safe."""

    def __init__(self, size: int):
        self.size = size
        self._values: OrderedDict[Hashable, object] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable):
        with self._lock:
            value = self._values.get(key)
            if value is not None:
                self._values.move_to_end(key)
            return value

    def put(self, key: Hashable, value) -> None:
        with self._lock:
            self._values[key] = value
            self._values.move_to_end(key)
            while len(self._values) > self.size:
                self._values.popitem(last=False)

    def get_or_make(self, key: Hashable, make: Callable[[], object]):
        """Return the value kept for `key`, or `make()` it and keep it (made outside the lock)."""
        value = self.get(key)
        if value is None:
            value = make()
            self.put(key, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()

    def __len__(self) -> int:
        return len(self._values)


def plan_key(plan, *parts: Hashable) -> tuple:
    """Return a cache key for what `plan` renders to, with the `parts` that also shape it."""
    return (plan.pk, plan.revision, plan.updated_at, plan.share_expires_at, *parts)
