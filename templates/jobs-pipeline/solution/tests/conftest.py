"""Test fixtures: a PostgreSQL schema of its own for every test, a Ledgerly, and the worker.

The database is the one DATABASE_URL names (README: "Running it"); the grader sets it to a
database of its own. Each test's tables live in a new schema that is dropped afterwards.
Each test gets a new, empty Ledgerly (tests/ledger.py, the same program the grader runs)
on a free port of this machine, and can script it: `ledger.script(account, fail=2)`.
The worker runs as it does in production, `python -m app.worker`, in a process of its own.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from fastapi.testclient import TestClient

from app.config import DEFAULT_DATABASE_URL
from app.main import create_app
from app.migrate import upgrade
from tests.ledger import serve


def worker_env(**env: str) -> dict[str, str]:
    """This environment with `env`, where `python -m app.worker` finds the app (pytest runs from
    the repository's root)."""
    paths = [str(Path.cwd()), *filter(None, [os.environ.get("PYTHONPATH")])]
    return {**os.environ, **env, "PYTHONPATH": os.pathsep.join(paths)}


FINISHED = {"done", "failed", "parked"}


class Ledger:
    """The test's own Ledgerly: its address, and its scripting and records."""

    def __init__(self, url: str, token: str) -> None:
        self.url = url
        self.http = httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"})

    def script(self, account: str, **order: int) -> None:
        self.http.post("/_script", json={"account": account, **order}).raise_for_status()

    def record(self, account: str) -> dict[str, Any]:
        answer = self.http.get("/_calls", params={"account": account})
        answer.raise_for_status()
        record: dict[str, Any] = answer.json()
        return record


@pytest.fixture
def database_url() -> Iterator[str]:
    """A URL whose connections see only a new, empty schema (PostgreSQL's search_path)."""
    server = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    schema = f"test_{secrets.token_hex(6)}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}".encode())
    separator = "&" if "?" in server else "?"
    yield f"{server}{separator}options=-csearch_path%3D{schema}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE".encode())


@pytest.fixture
def ledger() -> Iterator[Ledger]:
    token = secrets.token_hex(8)
    server = serve(0, token)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Ledger(f"http://127.0.0.1:{server.server_address[1]}", token)
    server.shutdown()
    server.server_close()


@pytest.fixture
def settings_env(
    database_url: str, ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> dict[str, str]:
    """The environment the API and the worker start with (a short ledger timeout: fast tests)."""
    env = {"DATABASE_URL": database_url, "LEDGER_URL": ledger.url, "LEDGER_TIMEOUT_SECONDS": "0.5"}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    upgrade(database_url)
    return env


@pytest.fixture
def client(settings_env: dict[str, str]) -> Iterator[TestClient]:
    del settings_env  # set in the environment, where create_app reads it
    with TestClient(create_app()) as test_client:
        yield test_client


@pytest.fixture
def worker(settings_env: dict[str, str]) -> Iterator[subprocess.Popen[str]]:
    """`python -m app.worker`, running until the test ends."""
    process = subprocess.Popen(
        [sys.executable, "-m", "app.worker"],
        env=worker_env(**settings_env),
        text=True,
    )
    yield process
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def statement(*amounts: str) -> str:
    """A bank statement in Tally's CSV format, one transaction per amount."""
    rows = [
        f"2026-11-{day % 28 + 1:02d},Coffee beans,{amount}" for day, amount in enumerate(amounts)
    ]
    return "\n".join(["date,description,amount", *rows]) + "\n"


def upload(client: TestClient, account: str, text: str) -> httpx.Response:
    return client.post(
        "/uploads", params={"account": account}, content=text, headers={"Content-Type": "text/csv"}
    )


def finished(client: TestClient, job_id: int, within: float = 15.0) -> dict[str, Any]:
    """The job once it is done, failed or parked (the test fails after `within` seconds)."""
    deadline = time.monotonic() + within
    while True:
        job: dict[str, Any] = client.get(f"/jobs/{job_id}").json()
        if job["status"] in FINISHED or time.monotonic() > deadline:
            return job
        time.sleep(0.05)
