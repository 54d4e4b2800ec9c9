"""Fixtures for the black-box checks: HTTP to the running service, and Ledgerly's own record.

The grader starts the learner's API and its two workers (after `python -m app.migrate`) with
LEDGER_URL pointing at Ledgerly (upstreams/ledger.py), which the grader runs too. These checks
script Ledgerly's failures and read what it received (CLASSROOM_UPSTREAM_LEDGER_URL, with the
run's CLASSROOM_UPSTREAM_TOKEN, which the service never sees): a backoff or a double booking is
judged from Ledgerly's record, not from what the service says of itself. Every check books on
an account of its own, so no check sees another's calls.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

BASE_URL = os.environ.get("CLASSROOM_BASE_URL", "http://127.0.0.1:8000")
LEDGER_URL = os.environ.get("CLASSROOM_UPSTREAM_LEDGER_URL", "http://127.0.0.1:8100")
TOKEN = os.environ.get("CLASSROOM_UPSTREAM_TOKEN", "")
FINISHED = {"done", "failed", "parked"}
# Seconds a job may take to finish: the solution's take under one, a parked one about eight
# (five attempts, 7.5 s of backoff), a killed worker's job about six (its lease runs out).
FINISHED_WITHIN = 20.0


class Tally:
    """The service, as a bookkeeper's browser and Ledgerly's operator see it."""

    def __init__(self, http: httpx.Client, ledger: httpx.Client) -> None:
        self.http = http
        self.ledger = ledger

    @staticmethod
    def account() -> str:
        return f"acct-{secrets.token_hex(5)}"

    @staticmethod
    def statement(*amounts: str) -> str:
        """A bank statement in Tally's CSV format, one transaction per amount."""
        rows = [
            f"2026-10-{n % 28 + 1:02d},Office supplies,{cash}" for n, cash in enumerate(amounts)
        ]
        return "\n".join(["date,description,amount", *rows]) + "\n"

    def upload(self, account: str, text: str) -> httpx.Response:
        return self.http.post(
            "/uploads", params={"account": account}, content=text,
            headers={"Content-Type": "text/csv"},
        )  # fmt: skip

    def queued(self, account: str, *amounts: str) -> dict[str, Any]:
        answer = self.upload(account, self.statement(*amounts))
        assert answer.status_code == 202, answer.text
        job: dict[str, Any] = answer.json()
        return job

    def job(self, job_id: int) -> dict[str, Any]:
        answer = self.http.get(f"/jobs/{job_id}")
        assert answer.status_code == 200, answer.text
        job: dict[str, Any] = answer.json()
        return job

    def finished(self, job_id: int, within: float = FINISHED_WITHIN) -> dict[str, Any]:
        """The job once it is done, failed or parked (as it is after `within` seconds)."""
        deadline = time.monotonic() + within
        while True:
            job = self.job(job_id)
            if job["status"] in FINISHED or time.monotonic() > deadline:
                return job
            time.sleep(0.05)

    def script(self, account: str, **order: int) -> None:
        """Script Ledgerly's next calls for `account`: fail=N, status=S, slow=M, delay_ms=D."""
        self.ledger.post("/_script", json={"account": account, **order}).raise_for_status()

    def record(self, account: str) -> dict[str, Any]:
        """Ledgerly's calls for `account` as received, and the entries it created."""
        answer = self.ledger.get("/_calls", params={"account": account})
        answer.raise_for_status()
        record: dict[str, Any] = answer.json()
        return record

    def calls_when(self, account: str, count: int, within: float) -> list[dict[str, Any]]:
        """Ledgerly's calls for `account` once there are `count` (or after `within` seconds)."""
        deadline = time.monotonic() + within
        while True:
            calls: list[dict[str, Any]] = self.record(account)["calls"]
            if len(calls) >= count or time.monotonic() > deadline:
                return calls
            time.sleep(0.02)

    @staticmethod
    def kill_every_worker() -> list[int]:
        """SIGKILL each worker process (as a deploy on a bad day would); the pids killed."""
        state = json.loads(Path(os.environ["CLASSROOM_WORKERS"]).read_text(encoding="utf-8"))
        pids = [worker["pid"] for worker in state["workers"]]
        for pid in pids:
            # Its sandbox, still running the worker: never a pid given to another process since.
            assert b"app.worker" in Path(f"/proc/{pid}/cmdline").read_bytes(), "a worker is gone"
            os.killpg(pid, signal.SIGKILL)
        return pids


@pytest.fixture(scope="session")
def tally() -> Any:
    with (
        httpx.Client(base_url=BASE_URL, timeout=10.0) as http,
        httpx.Client(
            base_url=LEDGER_URL, timeout=10.0, headers={"Authorization": f"Bearer {TOKEN}"}
        ) as ledger,
    ):
        yield Tally(http, ledger)


@pytest.fixture(scope="session")
def parked(tally: Any) -> Any:
    """A job Ledgerly refused five times (503s), once it finished: (account, job id, the job).
    Shared by the checks on parking, which would otherwise each wait out the 7.5 s of backoff."""
    account = tally.account()
    tally.script(account, fail=5, status=503)
    job = tally.queued(account, "8.00")
    return account, job["id"], tally.finished(job["id"])
