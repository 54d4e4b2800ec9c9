"""The worker: `python -m app.worker` takes jobs from the queue and posts them to Ledgerly.

Run as many as you like beside the API: each claims one job at a time (app.queue). SIGTERM
lets the job in hand finish; SIGKILL loses nothing either (its lease runs out and another
attempt takes the job).
"""

from __future__ import annotations

import signal
import threading
import time
from types import FrameType

import httpx
import psycopg

from app import ledger, queue
from app.config import Settings

IDLE_SECONDS = 0.1  # how long to wait for new work when the queue is empty


def work_once(conn: psycopg.Connection[object], http: httpx.Client) -> bool:
    """Claim one due job and attempt it; False when nothing was due."""
    with conn.transaction():
        job = queue.claim(conn)
    if job is None:
        return False  # pragma: no mutate  (True: a busy loop; the database works, no job changes)
    try:
        entry_id = ledger.post_entry(http, job)
    except ledger.LedgerError as exc:
        with conn.transaction():
            queue.fail(conn, job, str(exc), may_pass=exc.may_pass)
    else:
        with conn.transaction():
            queue.finish(conn, job, entry_id)
    return True  # pragma: no mutate  (False: the next claim waits 0.1 s; no job changes)


def run(settings: Settings, stop: threading.Event) -> None:
    """Work until `stop` is set."""
    timeout = httpx.Timeout(settings.ledger_timeout_seconds)
    with (
        psycopg.connect(
            settings.database_url,
            autocommit=True,  # pragma: no mutate  (each transaction is explicit: .transaction())
        ) as conn,
        httpx.Client(base_url=settings.ledger_url, timeout=timeout) as http,
    ):
        while not stop.is_set():
            if not work_once(conn, http):
                stop.wait(IDLE_SECONDS)


def main() -> None:
    settings = Settings.from_env()
    stop = threading.Event()

    def finish_then_stop(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, finish_then_stop)
    print(f"worker {time.strftime('%H:%M:%S')}: taking jobs", flush=True)  # pragma: no mutate
    run(settings, stop)


if __name__ == "__main__":
    main()
