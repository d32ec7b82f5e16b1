"""Sliding-window rate limits (per client address, per e-mail address), kept in memory.

One `RateLimiter` belongs to the object that uses it (the web application): nothing is
shared between processes or kept across a restart; the store's `confirm_sent_at`
cooldown covers the e-mail side across restarts.
"""
from __future__ import annotations

import time
from collections import deque
from typing import Callable


class RateLimiter:
    """At most `limit` events per `window` seconds for each key."""

    def __init__(self, limit: int, window: float, clock: Callable[[], float] = time.monotonic,
                 max_keys: int = 100_000):
        self.limit = limit
        self.window = window
        self.clock = clock
        self.max_keys = max_keys
        self.events: dict[str, deque[float]] = {}

    def allow(self, key: str) -> bool:
        """Count one event for `key`; False (and nothing counted) when over the limit."""
        now = self.clock()
        times = self.events.get(key)
        if times is None:
            if len(self.events) >= self.max_keys:
                self.prune(now)
            times = self.events[key] = deque()
        while times and now - times[0] >= self.window:
            times.popleft()
        if len(times) >= self.limit:
            return False
        times.append(now)
        return True

    def prune(self, now: float | None = None) -> None:
        """Forget keys with no event in the window (bounds memory under a flood)."""
        now = self.clock() if now is None else now
        for key in [k for k, t in self.events.items() if not t or now - t[-1] >= self.window]:
            del self.events[key]
