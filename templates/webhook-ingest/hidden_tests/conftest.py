"""Fixtures for the black-box checks: they talk to the running service over HTTP only.

The grader starts the learner's service (after `python -m app.seed`) with WEBHOOK_SECRET and
sets CLASSROOM_BASE_URL. These tests run from the grader's environment (pytest + httpx).
Every test's payments are paid on a UTC day of its own, far in the future, so reports of
different tests never see each other's payments.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import itertools
import json
import os
import random
import secrets
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

BASE_URL = os.environ.get("CLASSROOM_BASE_URL", "http://127.0.0.1:8000")
SECRET = os.environ.get("WEBHOOK_SECRET", "whsec_grading_only_not_used_anywhere_else")
PATH = "/webhooks/paystream"
# Seconds a queued event may take to show: the solution's workers take well under one (the
# fee call is 200 ms). Kept short because a service that stores events and never applies them
# (a learner between PAY-301 and PAY-302) fails about fifteen checks by waiting this long
# each, and all of them must fit in the stage's time limit with the checks it passes.
APPLIED_WITHIN = 5.0
_random = random.SystemRandom()
_FIRST_DAY = dt.datetime(_random.randint(2040, 2090), 1, 1, tzinfo=dt.UTC)
_days = itertools.count(_random.randint(0, 300))


def signature(body: bytes, timestamp: int, secret: str = SECRET) -> str:
    signed = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


class Paystream:
    """Paystream's side: builds events, signs and delivers them; reads what the service shows."""

    def __init__(self, http: httpx.Client) -> None:
        self.http = http

    @staticmethod
    def event(
        kind: str, payment_id: str, created: int, amount: int = 1000, **payment: Any
    ) -> dict[str, Any]:
        snapshot = {
            "id": payment_id,
            "amount": amount,
            "currency": "eur",
            "status": kind,
            "amount_refunded": amount if kind == "refunded" else 0,
            "paid_at": None if kind == "failed" else created,
            **payment,
        }
        return {
            "id": f"evt_{secrets.token_hex(8)}",
            "type": f"payment.{kind}",
            "created": created,
            "data": {"object": snapshot},
        }

    def post(self, body: bytes, header: str | None) -> httpx.Response:
        headers = {"Content-Type": "application/json"}
        if header is not None:
            headers["Paystream-Signature"] = header
        return self.http.post(PATH, content=body, headers=headers)

    def deliver(self, event: dict[str, Any] | bytes, at: float | None = None) -> httpx.Response:
        body = event if isinstance(event, bytes) else json.dumps(event).encode()
        timestamp = int(time.time() if at is None else at)
        return self.post(body, f"t={timestamp},v1={signature(body, timestamp)}")

    def queued(self, event: dict[str, Any]) -> None:
        response = self.deliver(event)
        assert response.status_code == 202, f"POST {PATH}: {response.status_code} {response.text}"

    def payment(self, payment_id: str) -> httpx.Response:
        return self.http.get(f"/payments/{payment_id}")

    def applied(self, payment_id: str, **expected: Any) -> dict[str, Any]:
        """The payment once it shows `expected` (waiting for the workers), else fail."""
        deadline = time.monotonic() + APPLIED_WITHIN
        while True:
            response = self.payment(payment_id)
            seen = response.json() if response.status_code == 200 else None
            if seen is not None and all(seen.get(k) == v for k, v in expected.items()):
                found: dict[str, Any] = seen
                return found
            if time.monotonic() > deadline:
                pytest.fail(
                    f"GET /payments/{payment_id} still shows {response.status_code} "
                    f"{response.text[:300]} after {APPLIED_WITHIN:g} s; expected {expected}"
                )
            time.sleep(0.1)

    def report(self, first: str, last: str) -> httpx.Response:
        return self.http.get("/reports/revenue", params={"from": first, "to": last})


@pytest.fixture
def day() -> dt.datetime:
    """09:00 UTC of a day no other test pays on, nor on the three days either side of it."""
    return _FIRST_DAY + dt.timedelta(days=7 * next(_days) + 3, hours=9)


@pytest.fixture
def payment_id() -> str:
    return f"pay_{secrets.token_hex(8)}"


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    # One client per test: a connection the service dropped after a 500 fails one test, not two.
    with httpx.Client(base_url=BASE_URL, timeout=30.0) as http:
        yield http


@pytest.fixture
def paystream(client: httpx.Client) -> Paystream:
    return Paystream(client)


@pytest.fixture
def sign() -> Any:
    """signature(body, timestamp, secret=SECRET): the hex v1 Paystream would send."""
    return signature
