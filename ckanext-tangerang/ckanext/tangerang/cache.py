"""The portal's caches of figures its pages ask for again and again: one mechanism (cachetools' LRU and TTL
caches behind a lock) for the per-process caches, and a memo that lives as long as the request."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Any

import ckan.plugins.toolkit as tk
from cachetools import LRUCache, TTLCache

from ckanext.tangerang import generation

# What an anonymous visitor sees is the same for every anonymous visitor: kept a minute at most.
ANONYMOUS_SECONDS = 60


class Cache:
    """A per-process, thread-safe cache of at most ``size`` entries, each kept ``seconds`` at most when given,
    else until the least recently used make room."""

    def __init__(
        self, size: int, seconds: float | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._entries = TTLCache(size, seconds, timer=clock) if seconds else LRUCache(size)
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """The value kept under ``key``, computed (outside the lock) and kept when there is none."""
        with self._lock:
            if key in self._entries:
                return self._entries[key]
        value = compute()
        with self._lock:
            self._entries[key] = value
        return value

    def __contains__(self, key: Hashable) -> bool:
        with self._lock:
            return key in self._entries

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


# ckanext-dcat's JSON-LD of a dataset page, keyed by the dict the visitor sees and the language: never stale.
STRUCTURED_DATA = Cache(512)
# Counts and lists for anonymous visitors, keyed by the catalogue's generation too (for_anonymous).
ANONYMOUS = Cache(256, ANONYMOUS_SECONDS)
# The OPDs' titles by name: public, the same for everyone.
OPD_TITLES = Cache(1, ANONYMOUS_SECONDS)


def signed_in() -> bool:
    try:
        return bool(tk.current_user and tk.current_user.is_authenticated)
    except (RuntimeError, AttributeError):
        return False


def for_anonymous(key: str, compute: Callable[[], Any]) -> Any:
    """``compute()``, shared between anonymous visitors for a minute at most and only while the catalogue's
    generation stays the same (any change to a dataset or application starts afresh). Signed-in visitors may
    see more, and never share."""
    if signed_in():
        return compute()
    return ANONYMOUS.get(f"{key}@{generation.current()}", compute)


def request_memo(name: str) -> dict[str, Any]:
    """A dict that lives as long as the request (a page asks for the same title in several places); outside a
    request, a fresh one each time."""
    try:
        memo = getattr(tk.g, "_tangerang_memo", None)
        if memo is None:
            memo = tk.g._tangerang_memo = {}
    except (RuntimeError, AttributeError):
        return {}
    return memo.setdefault(name, {})
