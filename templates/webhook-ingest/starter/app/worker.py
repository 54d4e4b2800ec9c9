"""The queue's workers: apply stored events to `payments` (PAY-302, PAY-303). Not written yet.

The public tests call `process_pending(pool)` to apply every queued event at a moment they
choose; the app starts `Workers` in its lifespan and calls `wake()` after queueing an event.
"""

from __future__ import annotations

from psycopg_pool import ConnectionPool


def process_pending(pool: ConnectionPool) -> int:
    """Apply every pending event now, in this thread; how many were taken."""
    raise NotImplementedError("PAY-302: apply the queued events")


class Workers:
    """Threads that apply pending events until stopped; `wake()` after queueing one."""

    def __init__(self, pool: ConnectionPool, count: int) -> None:
        self._pool = pool
        self._count = count

    def start(self) -> None:
        """Start the threads (none yet)."""

    def wake(self) -> None:
        """Tell an idle thread there is work."""

    def stop(self) -> None:
        """Stop the threads and wait for them."""
