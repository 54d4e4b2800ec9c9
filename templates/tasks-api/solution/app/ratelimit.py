"""A per-user sliding-window rate limiter, kept in process memory."""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable

WINDOW_SECONDS = 60.0


class RateLimiter:
    """Allows `limit` requests per user in any 60-second window."""

    def __init__(self, limit: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self._clock = clock
        self._hits: dict[int, deque[float]] = {}
        self._lock = threading.Lock()

    def check(self, user_id: int) -> int:
        """Record a request; 0 if allowed, else the seconds to wait before retrying."""
        now = self._clock()
        with self._lock:
            hits = self._hits.setdefault(user_id, deque())
            while hits and hits[0] <= now - WINDOW_SECONDS:
                hits.popleft()
            if len(hits) >= self.limit:
                return max(1, math.ceil(hits[0] + WINDOW_SECONDS - now))
            hits.append(now)
            return 0
