"""Test fixtures: every test gets a PostgreSQL schema of its own, migrated, and a signer.

The database is the one DATABASE_URL names (README: "Running it"); the grader sets it to a
database of its own. Each test's tables live in a new schema that is dropped afterwards, so
tests never see each other's rows and nothing is left behind. No worker threads run in the
tests: a test applies the queued events itself, with `process(client)`, when it chooses.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import time
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient
from httpx import Response

from app import seed
from app.config import DEFAULT_DATABASE_URL
from app.main import create_app
from app.worker import process_pending

SECRET = "whsec_test_only_secret"
_ids = iter(range(1, 10**9))


def _with_search_path(url: str, schema: str) -> str:
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options=-csearch_path%3D{schema}"


@pytest.fixture
def database_url() -> Iterator[str]:
    """A URL whose connections see only a new, empty schema (PostgreSQL's search_path)."""
    server = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    schema = f"test_{secrets.token_hex(6)}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}".encode())
    yield _with_search_path(server, schema)
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE".encode())


@pytest.fixture
def client(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """A client of an app on a migrated database holding 1,000 payments of history."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("WEBHOOK_SECRET", SECRET)
    monkeypatch.setenv("WORKER_THREADS", "0")
    seed.seed(database_url, 1000)
    with TestClient(create_app()) as test_client:
        yield test_client


def process(client: TestClient) -> int:
    """Apply every queued event now, as the worker threads would; how many there were."""
    return process_pending(client.app.state.pool)  # type: ignore[attr-defined]


def payment_event(
    kind: str, payment_id: str, created: int, amount: int = 1000, **payment: Any
) -> dict[str, Any]:
    """A Paystream event about one payment: `kind` is succeeded, failed or refunded."""
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
        "id": f"evt_{next(_ids)}_{secrets.token_hex(4)}",
        "type": f"payment.{kind}",
        "created": created,
        "data": {"object": snapshot},
    }


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """Paystream's v1 signature, computed here (not by the code under test)."""
    signed = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def deliver(
    client: TestClient,
    event: dict[str, Any] | bytes,
    secret: str = SECRET,
    at: float | None = None,
) -> Response:
    """POST `event` as Paystream does, signed with `secret` at `at` (now by default)."""
    body = event if isinstance(event, bytes) else json.dumps(event).encode()
    timestamp = int(time.time() if at is None else at)
    header = f"t={timestamp},v1={sign(secret, timestamp, body)}"
    headers = {"Paystream-Signature": header}
    return client.post("/webhooks/paystream", content=body, headers=headers)
