"""Ledgerly's client: post one import as a ledger entry, once, whatever happens on the way.

Every attempt at a job sends the same Idempotency-Key (the job's id): when an answer is lost
(a timeout, a worker killed after Ledgerly created the entry), the next attempt gets the same
entry back instead of booking the import twice.
"""

from __future__ import annotations

import httpx

from app.queue import Claim

# "Too many requests": try again later. Any other 4xx is an answer that will not change.
RATE_LIMITED = 429


class LedgerError(Exception):
    """An attempt that did not give an entry; `may_pass` says whether another might."""

    def __init__(self, message: str, *, may_pass: bool) -> None:
        super().__init__(message)
        self.may_pass = may_pass


def idempotency_key(job_id: int) -> str:
    return f"tally-import-{job_id}"


def post_entry(http: httpx.Client, job: Claim) -> str:
    """The ledger entry's id for `job`; LedgerError when this attempt got none."""
    body = {
        "account": job.account,
        "reference": str(job.id),
        "lines": job.lines,
        "total_cents": job.total_cents,
    }
    try:
        answer = http.post(
            "/entries", json=body, headers={"Idempotency-Key": idempotency_key(job.id)}
        )
    except httpx.TransportError as exc:  # a timeout, or no connection: both may pass
        raise LedgerError(_unanswered(exc), may_pass=True) from None
    if answer.status_code in (200, 201):
        entry_id: str = answer.json()["entry_id"]
        return entry_id
    may_pass = answer.status_code >= 500 or answer.status_code == RATE_LIMITED
    raise LedgerError(
        f"Ledgerly answered {answer.status_code}: {answer.text[:200]}", may_pass=may_pass
    )


def _unanswered(exc: httpx.TransportError) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return "Ledgerly did not answer in time"
    return f"Ledgerly could not be reached: {exc}"
