"""`on: schedule`: which cron occurrences fall in a span of the sandbox's clock (pure, UTC as
on GitHub), and a scheduler that fires them once each, by the minute or when a test moves
the clock."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from croniter import croniter

from sandbox.clock import Clock

log = logging.getLogger("sandbox.schedule")
MAX_OCCURRENCES = 1000  # per cron per jump: a clock moved years ahead must not queue forever


def crons_of(on: dict[str, Any]) -> list[str]:
    """The cron strings of a workflow's `on.schedule` (a list of `{cron: ...}`)."""
    entries = on.get("schedule")
    if not isinstance(entries, list):
        return []
    return [
        str(e["cron"]) for e in entries if isinstance(e, dict) and isinstance(e.get("cron"), str)
    ]


def occurrences(cron: str, start: datetime, end: datetime) -> list[datetime]:
    """The moments in (start, end] that `cron` names (UTC); none for an invalid cron."""
    if not croniter.is_valid(cron):
        return []
    found: list[datetime] = []
    it = croniter(cron, start)
    while len(found) < MAX_OCCURRENCES:
        moment = it.get_next(datetime)
        if moment > end:
            break
        found.append(moment)
    return found


@dataclass(frozen=True)
class Fired:
    """One occurrence that started (or tried to start) a run."""

    repo: str
    workflow: str
    cron: str
    at: datetime
    run_id: int | None


FireAll = Callable[[datetime, datetime], list[Fired]]


class Scheduler:
    """Fires every occurrence in (watermark, now] exactly once, whoever moves time."""

    def __init__(self, clock: Clock, fire: FireAll) -> None:
        self.clock = clock
        self.fire = fire
        self.watermark = clock.now()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def advance(self, until: datetime) -> list[Fired]:
        """Fire what falls between the last advance and `until`."""
        with self._lock:
            start = self.watermark
            if until <= start:
                return []
            self.watermark = until
            return self.fire(start, until)

    def start(self) -> None:
        """Check the clock once a minute, on a daemon thread."""
        self._thread = threading.Thread(target=self._loop, name="schedule", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.wait(60 - self.clock.now().second + 0.5):
            try:
                self.advance(self.clock.now())
            except Exception:  # a bad repository must not stop the clock for the rest
                log.exception("scheduled runs failed")

    def stop(self) -> None:
        """Stop the minute thread (scheduled runs already queued carry on)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
