"""Write pacing under GitHub's secondary limit, its time model, and API call counting."""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

HOUR = 3600.0
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
LONG_WAIT = 20.0  # seconds: a wait at least this long is announced, not sat through in silence

# Told of a long wait before it starts: (seconds, why); see `wait_notice`.
Announce = Callable[[float, str], None]


def wait_notice(seconds: float, why: str, now: float) -> str:
    """'waiting 41 min 10 s (until 14:05 UTC) for GitHub's limit of 500 writes an hour; the
    command goes on by itself'."""
    until = time.strftime("%H:%M", time.gmtime(now + seconds))
    return (
        f"waiting {format_duration(seconds)} (until {until} UTC) for {why}; "
        "the command goes on by itself"
    )


def announced(announce: Announce | None, seconds: float, why: str) -> None:
    """Tell `announce` of a wait of `seconds` for `why`, when it is long enough to say."""
    if announce is not None and seconds >= LONG_WAIT:
        announce(seconds, why)


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
        clock: Callable[[], float] = time.time,  # wall time: moments outlive the process
        sleep: Callable[[float], None] = time.sleep,
        announce: Announce | None = None,
    ) -> None:
        self.interval = 60.0 / per_minute
        self.per_hour = per_hour
        self._clock = clock
        self._sleep = sleep
        self.announce = announce
        self._recent: deque[float] = deque()
        self._lock = threading.Lock()
        self.waited = 0.0

    def wait(self) -> float:
        """Block until one more write is allowed; return the seconds slept."""
        with self._lock:
            delay = self._delay(self._clock())
            if delay > 0:
                announced(self.announce, delay, f"GitHub's limit of {self.per_hour} writes an hour")
                self._sleep(delay)
                self.waited += delay
            self._recent.append(self._clock())
            return delay

    def remember(self, moments: Iterable[float]) -> None:
        """Count `moments` (earlier writes of the same token, e.g. the last run's) as this
        pacer's own: GitHub's hour is per token, not per process."""
        with self._lock:
            merged = sorted([*self._recent, *moments])
            self._recent = deque(merged)
            self._forget_old(self._clock())

    def now(self) -> float:
        """The pacer's clock."""
        return self._clock()

    def recent(self) -> list[float]:
        """The moments of the writes still inside GitHub's window of an hour."""
        with self._lock:
            self._forget_old(self._clock())
            return list(self._recent)

    def finished(self) -> None:
        """The write that `wait` let through has been answered: its moment is now.

        GitHub counts a write when it arrives, somewhere between sending and the answer; the
        next one is spaced from the answer, so no two arrive closer than the interval."""
        with self._lock:
            if self._recent:
                self._recent[-1] = self._clock()

    def _forget_old(self, now: float) -> None:
        """Drop the writes that have left GitHub's window of an hour."""
        while self._recent and now - self._recent[0] >= HOUR:
            self._recent.popleft()

    def _delay(self, now: float) -> float:
        self._forget_old(now)
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


def writes_within(seconds: float, per_minute: int = 80, per_hour: int = 500) -> int:
    """How many paced writes start before `seconds` have passed (`modelled_seconds` inverted):
    a run of that many leaves GitHub's hourly window free for the next run at `seconds`."""
    if seconds <= 0:
        return 0
    hours, rest = divmod(seconds, HOUR)
    return int(hours) * per_hour + min(per_hour, math.ceil(rest / (60.0 / per_minute)))


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
    """API requests made: REST reads (GET/HEAD), writes, and GraphQL queries, retries included.

    A GraphQL query is a POST that reads: it is counted apart, never as a write."""

    reads: int = 0
    writes: int = 0
    queries: int = 0

    @property
    def total(self) -> int:
        return self.reads + self.writes + self.queries

    def __sub__(self, other: Calls) -> Calls:
        return Calls(
            self.reads - other.reads, self.writes - other.writes, self.queries - other.queries
        )

    def __add__(self, other: Calls) -> Calls:
        return Calls(
            self.reads + other.reads, self.writes + other.writes, self.queries + other.queries
        )


def is_graphql(url: str) -> bool:
    """Whether `url` (absolute, or a path) is GitHub's GraphQL endpoint."""
    return url.split("?", 1)[0].rstrip("/").endswith("/graphql")


class RateGate:
    """Waits before a request that GitHub's primary limit would refuse.

    Every answer says how much of its resource's hour is left (`x-ratelimit-remaining`,
    `-reset`, `-resource`: `core` for REST, `graphql` in points). When a resource is spent
    (for GraphQL: less left than the last query cost), the next request of that resource
    waits for the window to reset instead of being refused."""

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        announce: Announce | None = None,
    ) -> None:
        self._clock = clock
        self._sleep = sleep
        self.announce = announce
        self._left: dict[str, tuple[int, float]] = {}  # resource -> (remaining, reset epoch)
        self._cost: dict[str, int] = {}
        self._lock = threading.Lock()
        self.waited = 0.0

    def now(self) -> float:
        """The gate's clock (seconds since the epoch, as `x-ratelimit-reset` counts)."""
        return self._clock()

    def saw(self, headers: Mapping[str, str]) -> None:
        """Note what an answer's x-ratelimit-* headers say."""
        try:
            remaining = int(float(headers["x-ratelimit-remaining"]))
            reset = float(headers["x-ratelimit-reset"])
        except (KeyError, ValueError):
            return
        with self._lock:
            self._left[headers.get("x-ratelimit-resource", "core")] = (remaining, reset)

    def cost(self, resource: str, points: int) -> None:
        """What the last request of `resource` cost (GraphQL: its `rateLimit.cost`)."""
        with self._lock:
            self._cost[resource] = points

    def wait(self, resource: str) -> float:
        """Sleep until one more request of `resource` fits; the seconds slept."""
        with self._lock:
            remaining, reset = self._left.get(resource, (1 << 30, 0.0))
            need = max(1, self._cost.get(resource, 1))
            delay = reset - self._clock() + 1 if remaining < need else 0.0
            if delay > 0:
                self._left.pop(resource, None)
        if delay <= 0:
            return 0.0
        what = "GraphQL points" if resource == "graphql" else "requests"
        announced(self.announce, delay, f"GitHub's hourly limit of {what} to reset")
        self._sleep(delay)
        self.waited += delay
        return delay


class CallCounter:
    """Counts every HTTP request a gateway sends (thread-safe); its `gate` (if any) holds a
    request back until GitHub's primary limit allows it."""

    def __init__(self, gate: RateGate | None = None) -> None:
        self._reads = 0
        self._writes = 0
        self._queries = 0
        self._lock = threading.Lock()
        self.gate = gate

    def add(self, method: str, url: str = "") -> None:
        with self._lock:
            if is_graphql(url):
                self._queries += 1
            elif method.upper() in WRITE_METHODS:
                self._writes += 1
            else:
                self._reads += 1

    @property
    def calls(self) -> Calls:
        with self._lock:
            return Calls(self._reads, self._writes, self._queries)
