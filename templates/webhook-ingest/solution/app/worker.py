"""The queue: events stored by the webhook endpoint, applied to `payments` by worker threads.

A worker takes the oldest pending event with FOR UPDATE SKIP LOCKED (no two workers take the
same one), applies it and marks it processed in one transaction: a crash before the commit
leaves the event pending, and a restarted service picks it up again. An event that keeps
failing is parked after MAX_ATTEMPTS, with its last error, instead of blocking the rest.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from psycopg import Connection
from psycopg.types.json import Jsonb
from psycopg_pool import ConnectionPool

from app import provider
from app.events import Event, PaymentObject

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
IDLE_SECONDS = 0.5  # pragma: no mutate  (how long an idle worker sleeps if nobody wakes it)

CLAIM = """
SELECT id, payload FROM webhook_events
WHERE processed_at IS NULL AND attempts < %s
ORDER BY received_at
LIMIT 1
FOR UPDATE SKIP LOCKED
"""

# The newest snapshot wins: an event created before the one the row came from changes
# nothing. Refunds only grow, so of two snapshots created in the same second the one with
# more refunded wins.
UPSERT = """
INSERT INTO payments (id, status, amount, currency, amount_refunded, paid_at, event_created)
VALUES (%(id)s, %(status)s, %(amount)s, %(currency)s, %(amount_refunded)s, %(paid_at)s,
        %(created)s)
ON CONFLICT (id) DO UPDATE SET
    status = EXCLUDED.status,
    amount = EXCLUDED.amount,
    currency = EXCLUDED.currency,
    amount_refunded = EXCLUDED.amount_refunded,
    paid_at = COALESCE(EXCLUDED.paid_at, payments.paid_at),
    event_created = EXCLUDED.event_created,
    updated_at = now()
WHERE (EXCLUDED.event_created, EXCLUDED.amount_refunded)
    > (payments.event_created, payments.amount_refunded)
"""


def store(pool: ConnectionPool, event: Event) -> bool:
    """Queue `event`; False if an event with its id was stored before (a redelivery)."""
    with pool.connection() as conn:
        cursor = conn.execute(
            "INSERT INTO webhook_events (id, type, payload) VALUES (%s, %s, %s) "
            "ON CONFLICT (id) DO NOTHING",
            (event.id, event.type, Jsonb(event.model_dump())),
        )
        return cursor.rowcount == 1


def apply(conn: Connection[Any], event: Event) -> None:
    """What `event` changes in `payments` (nothing, for the types this service ignores)."""
    payment = event.payment()
    if payment is None:
        return
    conn.execute(
        UPSERT,
        {**payment.model_dump(), "paid_at": payment.paid_at_utc, "created": event.created_utc},
    )
    _record_fee(conn, payment)


def _record_fee(conn: Connection[Any], payment: PaymentObject) -> None:
    """Ask Paystream for the fee of a paid payment whose fee is not known yet."""
    row = conn.execute(
        "SELECT amount, currency FROM payments WHERE id = %s AND fee IS NULL "
        "AND paid_at IS NOT NULL",
        (payment.id,),
    ).fetchone()
    if row is not None:
        fee = provider.fetch_fee(payment.id, row[0], row[1])
        conn.execute("UPDATE payments SET fee = %s WHERE id = %s", (fee, payment.id))


def process_next(pool: ConnectionPool) -> bool:
    """Apply the oldest pending event; False when none is left to take."""
    with pool.connection() as conn:
        row = conn.execute(CLAIM, (MAX_ATTEMPTS,)).fetchone()
        if row is None:
            return False
        event_id, payload = row
        try:
            with conn.transaction():  # a savepoint: a failure undoes the event's changes only
                apply(conn, Event.model_validate(payload))
        except Exception as exc:  # any failure: keep it, retry it, park it after the last
            log.warning("event %s failed: %s", event_id, exc)
            conn.execute(
                "UPDATE webhook_events SET attempts = attempts + 1, last_error = %s WHERE id = %s",
                (repr(exc)[:500], event_id),
            )
            return True
        conn.execute(
            "UPDATE webhook_events SET processed_at = now(), attempts = attempts + 1 WHERE id = %s",
            (event_id,),
        )
    return True


def process_pending(pool: ConnectionPool) -> int:
    """Apply every pending event now, in this thread; how many were taken."""
    taken = 0
    while process_next(pool):
        taken += 1
    return taken


class Workers:
    """Threads that apply pending events until stopped; `wake()` after queueing one."""

    def __init__(self, pool: ConnectionPool, count: int) -> None:
        self._pool = pool
        self._stop = threading.Event()
        self._work = threading.Event()
        self._threads = [
            # stop() joins them: daemon or not, nothing outlives the lifespan.
            threading.Thread(target=self._run, name=f"worker-{n}", daemon=True)  # pragma: no mutate
            for n in range(count)
        ]

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def wake(self) -> None:
        self._work.set()

    def stop(self) -> None:
        self._stop.set()
        self._work.set()
        for thread in self._threads:
            thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                busy = process_next(self._pool)
            except Exception:  # the database went away: keep the thread, try again soon
                log.exception("worker: could not take an event")
                busy = False  # pragma: no mutate  (only a database outage gets here)
            if not busy:
                self._work.wait(IDLE_SECONDS)
                self._work.clear()
