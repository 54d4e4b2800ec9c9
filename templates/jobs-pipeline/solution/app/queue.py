"""The job queue, in PostgreSQL: a job is claimed with a lease, and ends done, failed or parked.

A worker claims the oldest due job with `FOR UPDATE SKIP LOCKED` (two workers never take the
same one) and holds it for LEASE_SECONDS: a worker that dies mid-job leaves a lease that runs
out, and the next claim takes the job again (at-least-once). Every claim counts an attempt,
and a worker may only finish the attempt it claimed (a slow worker whose lease ran out cannot
overwrite the next attempt's outcome). A failure that may pass (the ledger down or slow) is
tried again after a backoff that doubles; after MAX_ATTEMPTS the job is parked for a person
to look at, and the queue goes on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from psycopg import Connection
from psycopg.rows import dict_row

MAX_ATTEMPTS = 5
FIRST_BACKOFF_SECONDS = 0.5
# Longer than a ledger call may take (LEDGER_TIMEOUT_SECONDS, 2 s), shorter than the brief's
# promise to pick up a dead worker's job within 10 s.
LEASE_SECONDS = 5.0
# The statements the API runs, each returning a job as its answer shows it (COLUMNS: a
# constant, so no input ever reaches the SQL's text).
COLUMNS = "id, account, status, attempts, lines, total_cents, entry_id, error"
ENQUEUE = f"""INSERT INTO jobs (account, lines, total_cents, upload) VALUES (%s, %s, %s, %s)
RETURNING {COLUMNS}"""  # noqa: S608
FIND = f"SELECT {COLUMNS} FROM jobs WHERE id = %s"  # noqa: S608
WITH_STATUS = f"SELECT {COLUMNS} FROM jobs WHERE status = %s ORDER BY id LIMIT %s"  # noqa: S608
REQUEUE_PARKED = f"""UPDATE jobs
SET status = 'queued', attempts = 0, error = NULL, run_after = now(), updated_at = now()
WHERE id = %s AND status = 'parked' RETURNING {COLUMNS}"""  # noqa: S608


@dataclass(frozen=True)  # pragma: no mutate  (immutability guards the code, no answer changes)
class Claim:
    """One attempt at one job, as a worker claimed it."""

    id: int
    account: str
    lines: int
    total_cents: int
    attempt: int


def backoff_seconds(attempt: int) -> float:
    """How long after failed attempt `attempt` (1, 2, ...) the next may start: 0.5, 1, 2, 4."""
    return FIRST_BACKOFF_SECONDS * 2.0 ** (attempt - 1)


def enqueue(
    conn: Connection[Any], account: str, lines: int, total: int, upload: str
) -> dict[str, Any]:
    """A new job for `upload`, queued: one INSERT, the answer's fields returned by it."""
    rows = conn.cursor(row_factory=dict_row).execute(ENQUEUE, (account, lines, total, upload))
    return rows.fetchall()[0]


def find(conn: Connection[Any], job_id: int) -> dict[str, Any] | None:
    return conn.cursor(row_factory=dict_row).execute(FIND, (job_id,)).fetchone()


def with_status(conn: Connection[Any], status: str, limit: int) -> list[dict[str, Any]]:
    return conn.cursor(row_factory=dict_row).execute(WITH_STATUS, (status, limit)).fetchall()


def requeue_parked(conn: Connection[Any], job_id: int) -> dict[str, Any] | None:
    """A parked job queued again with its attempts reset (None: it is not parked)."""
    return conn.cursor(row_factory=dict_row).execute(REQUEUE_PARKED, (job_id,)).fetchone()


def claim(conn: Connection[Any]) -> Claim | None:
    """The oldest due job, leased to this worker for LEASE_SECONDS (None: nothing is due)."""
    row = conn.execute(
        """
        UPDATE jobs SET status = 'running', attempts = attempts + 1, updated_at = now(),
            lease_until = now() + make_interval(secs => %s)
        WHERE id = (
            SELECT id FROM jobs
            WHERE status IN ('queued', 'running')
              AND CASE status WHEN 'queued' THEN run_after ELSE lease_until END <= now()
            ORDER BY run_after, id
            LIMIT 1
            FOR UPDATE SKIP LOCKED)
        RETURNING id, account, lines, total_cents, attempts
        """,
        (LEASE_SECONDS,),
    ).fetchone()
    return None if row is None else Claim(*row)


def finish(conn: Connection[Any], job: Claim, entry_id: str) -> None:
    conn.execute(
        "UPDATE jobs SET status = 'done', entry_id = %s, error = NULL, updated_at = now() "
        "WHERE id = %s AND status = 'running' AND attempts = %s",
        (entry_id, job.id, job.attempt),
    )


def fail(conn: Connection[Any], job: Claim, error: str, *, may_pass: bool) -> None:
    """Record a failed attempt: queued again after its backoff, or failed, or parked."""
    if not may_pass:
        status = "failed"
    elif job.attempt >= MAX_ATTEMPTS:
        status = "parked"
    else:
        status = "queued"
    conn.execute(
        "UPDATE jobs SET status = %s, error = %s, updated_at = now(), "
        "run_after = now() + make_interval(secs => %s) "
        "WHERE id = %s AND status = 'running' AND attempts = %s",
        (status, error, backoff_seconds(job.attempt), job.id, job.attempt),
    )
