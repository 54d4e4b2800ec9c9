"""Write pacing under GitHub's secondary limit, its time model, and API call counting."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

HOUR = 3600.0
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class Pacer:
    """Spaces content-creating writes to `per_minute` and caps them at `per_hour`.

    GitHub's secondary limit answers a burst with 403s and a wait of a minute or more; spacing
    the writes evenly from the start costs less time than bouncing off the limit.
    """

    def __init__(
        self,
        per_minute: int,
        per_hour: int,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval = 60.0 / per_minute
        self.per_hour = per_hour
        self._clock = clock
        self._sleep = sleep
        self._recent: deque[float] = deque()
        self._lock = threading.Lock()
        self.waited = 0.0

    def wait(self) -> float:
        """Block until one more write is allowed; return the seconds slept."""
        with self._lock:
            delay = self._delay(self._clock())
            if delay > 0:
                self._sleep(delay)
                self.waited += delay
            self._recent.append(self._clock())
            return delay

    def _delay(self, now: float) -> float:
        while self._recent and now - self._recent[0] >= HOUR:
            self._recent.popleft()
        if not self._recent:
            return 0.0
        delay = self._recent[-1] + self.interval - now
        if len(self._recent) >= self.per_hour:
            delay = max(delay, self._recent[0] + HOUR - now)
        return max(0.0, delay)


def modelled_seconds(writes: int, per_minute: int = 80, per_hour: int = 500) -> float:
    """Wall time `writes` paced writes need under GitHub's limits (reads taken as free)."""
    if writes <= 0:
        return 0.0
    interval = 60.0 / per_minute
    full_hours = (writes - 1) // per_hour
    return full_hours * HOUR + (writes - 1 - full_hours * per_hour) * interval


def format_duration(seconds: float) -> str:
    """'2 h 05 min', '6 min 15 s', '40 s'."""
    seconds = round(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    if minutes:
        return f"{minutes} min {secs:02d} s"
    return f"{secs} s"


@dataclass(frozen=True)
class Calls:
    """API requests made: reads (GET/HEAD) and writes, retries included."""

    reads: int = 0
    writes: int = 0

    @property
    def total(self) -> int:
        return self.reads + self.writes

    def __sub__(self, other: Calls) -> Calls:
        return Calls(self.reads - other.reads, self.writes - other.writes)

    def __add__(self, other: Calls) -> Calls:
        return Calls(self.reads + other.reads, self.writes + other.writes)


class CallCounter:
    """Counts every HTTP request a gateway sends (thread-safe)."""

    def __init__(self) -> None:
        self._reads = 0
        self._writes = 0
        self._lock = threading.Lock()

    def add(self, method: str) -> None:
        with self._lock:
            if method.upper() in WRITE_METHODS:
                self._writes += 1
            else:
                self._reads += 1

    @property
    def calls(self) -> Calls:
        with self._lock:
            return Calls(self._reads, self._writes)
