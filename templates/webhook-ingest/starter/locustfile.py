"""The load profile the grader runs against your service (after `python -m app.seed`).

Each simulated user is Paystream's delivery system for one shop, or finance's dashboard:
delivering new payments (signed, each a `payment.succeeded`), now and then delivering one
again (Paystream retries when an answer is late or lost) or refunding one of its payments,
and reading payments back and revenue reports of two to five weeks of 2026. Requests are
grouped by `name`, so `/payments/pay_1` counts as `GET /payments/{id}`.

Every answer is checked as Paystream and finance would read it: a new event is a 202, a
redelivery a 200 (or a 202 when the first delivery is still being answered), a payment has
the fields finance reads (a 404 is fine for a payment whose event is still queued), and a
report is a list of days whose net is gross minus refunded. A fast answer that is wrong
counts as a failed request, and failed requests count against the goals.
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
from typing import Any

from locust import FastHttpUser, between, task

SECRET = os.environ.get("WEBHOOK_SECRET", "whsec_grading_only_not_used_anywhere_else")
HISTORY_DAYS = 300  # report windows start within the first 300 days of 2026 (seeded history)
_users = itertools.count()


def signed(body: bytes) -> dict[str, str]:
    """Paystream's signature header for `body`, sent now."""
    timestamp = str(int(time.time()))
    digest = hmac.new(SECRET.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return {"Paystream-Signature": f"t={timestamp},v1={digest.hexdigest()}"}


def problem_with_report(body: Any) -> str | None:
    """Why `body` is not a revenue report as finance reads it (None: it is)."""
    days = body.get("days") if isinstance(body, dict) else None
    if not isinstance(days, list):
        return "no list of days"
    for day in days:
        if not isinstance(day, dict) or not all(
            isinstance(day.get(key), int) for key in ("payments", "gross", "refunded", "net")
        ):
            return "a day without its figures"
        if day["net"] != day["gross"] - day["refunded"]:
            return f"{day.get('day')}: net is not gross minus refunded"
    return None


class Paystream(FastHttpUser):
    wait_time = between(0.3, 0.9)

    def on_start(self) -> None:
        self.shop = f"{next(_users):03d}{secrets.token_hex(3)}"
        self.sent: list[bytes] = []
        self.paid: list[dict[str, Any]] = []

    def _deliver(self, body: bytes, fresh: bool) -> None:
        expected = (202,) if fresh else (200, 202)
        with self.client.post(
            "/webhooks/paystream",
            data=body,
            headers={**signed(body), "Content-Type": "application/json"},
            name="/webhooks/paystream",
            catch_response=True,
        ) as resp:
            if resp.status_code not in expected:
                resp.failure(f"status {resp.status_code}, expected {expected}")

    @task(5)
    def new_payment(self) -> None:
        now = int(time.time())
        payment = {
            "id": f"pay_l{self.shop}{len(self.paid):05d}",
            "amount": random.randint(500, 25_000),
            "currency": "eur",
            "status": "succeeded",
            "amount_refunded": 0,
            "paid_at": now,
        }
        event = {
            "id": f"evt_l{self.shop}{len(self.sent):05d}",
            "type": "payment.succeeded",
            "created": now,
            "data": {"object": payment},
        }
        body = json.dumps(event).encode()
        self.sent.append(body)
        self.paid.append(payment)
        self._deliver(body, fresh=True)

    @task(1)
    def redeliver(self) -> None:
        if self.sent:
            self._deliver(random.choice(self.sent), fresh=False)

    @task(1)
    def refund(self) -> None:
        if not self.paid:
            return
        payment = {**random.choice(self.paid), "status": "refunded"}
        payment["amount_refunded"] = payment["amount"]
        event = {
            "id": f"evt_l{self.shop}{len(self.sent):05d}",
            "type": "payment.refunded",
            "created": int(time.time()) + 1,
            "data": {"object": payment},
        }
        body = json.dumps(event).encode()
        self.sent.append(body)
        self._deliver(body, fresh=True)

    @task(3)
    def read_payment(self) -> None:
        if random.random() < 0.5 or not self.paid:
            payment_id = f"pay_h{random.randrange(0, 100_000):07d}"  # from the seeded history
        else:
            payment_id = random.choice(self.paid)["id"]
        with self.client.get(
            f"/payments/{payment_id}", name="/payments/{id}", catch_response=True
        ) as resp:
            if resp.status_code == 404 and payment_id.startswith("pay_l"):
                resp.success()  # its event may still be queued
                return
            body: Any = resp.json() if resp.status_code == 200 else None
            if not isinstance(body, dict) or body.get("id") != payment_id:
                resp.failure(f"status {resp.status_code}: not payment {payment_id}")

    @task(2)
    def revenue_report(self) -> None:
        first = dt.date(2026, 1, 1) + dt.timedelta(days=random.randrange(HISTORY_DAYS))
        last = first + dt.timedelta(days=random.randint(14, 35))
        with self.client.get(
            f"/reports/revenue?from={first.isoformat()}&to={last.isoformat()}",
            name="/reports/revenue",
            catch_response=True,
        ) as resp:
            body: Any = resp.json() if resp.status_code == 200 else None
            problem = problem_with_report(body) if body is not None else "no report"
            if problem:
                resp.failure(f"status {resp.status_code}: {problem}")
