"""The sandbox's clock: real time, moved forward on request so tests can reach a deadline."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta


def iso(moment: datetime) -> str:
    """A moment as GitHub writes it (UTC, seconds, Z)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Clock:
    """`now()` is wall-clock time plus an offset that only grows."""

    def __init__(self) -> None:
        self._offset = timedelta(0)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        """The sandbox's current time (aware, UTC)."""
        with self._lock:
            return datetime.now(UTC) + self._offset

    def move_to(self, moment: datetime) -> datetime:
        """Jump to `moment` (never backwards: ValueError); the time it was before."""
        with self._lock:
            before = datetime.now(UTC) + self._offset
            if moment < before:
                raise ValueError(f"the clock is at {iso(before)}; it only moves forward")
            self._offset = moment - datetime.now(UTC)
            return before

    def advance(self, seconds: float) -> None:
        """Move forward by `seconds` (a benchmark's or a test's wait, not slept)."""
        with self._lock:
            self._offset += timedelta(seconds=max(0.0, seconds))
