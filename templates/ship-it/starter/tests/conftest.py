"""Test fixtures: the service as it runs in production, `python -m app`, in a process of its own.

Each test module gets a PostgreSQL schema of its own (DATABASE_URL names the server; the grader
sets it), migrated and dropped afterwards, a new Parcelway (tests/carrier.py, the same program
the grader runs) on a free port, which a test can script for a parcel weight no other test of
the module uses (`carrier.script(weight_g, fail=2)`), and one service, `python -m app`, live
and keeping every line it prints; `start(**changes)` starts another with the environment
changed (a test of the configuration, of a missing database).
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from app.config import DEFAULT_DATABASE_URL
from app.migrate import upgrade
from tests.carrier import serve

STARTUP_SECONDS = 10.0


class Carrier:
    """The test's own Parcelway: its address, and its scripting and records."""

    def __init__(self, url: str, token: str) -> None:
        self.url = url
        self.http = httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"})

    def script(self, weight_g: int, **order: int) -> None:
        self.http.post("/_script", json={"weight_g": weight_g, **order}).raise_for_status()

    def calls(self, weight_g: int | None = None) -> list[dict[str, Any]]:
        params = {} if weight_g is None else {"weight_g": weight_g}
        answer = self.http.get("/_calls", params=params)
        answer.raise_for_status()
        calls: list[dict[str, Any]] = answer.json()["calls"]
        return calls


class Service:
    """`python -m app` running: its address, its process, and every line it printed."""

    def __init__(self, env: dict[str, str]) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.lines: list[str] = []
        paths = [str(Path.cwd()), *filter(None, [os.environ.get("PYTHONPATH")])]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "app"],
            env={**env, "PORT": str(self.port), "PYTHONPATH": os.pathsep.join(paths)},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        threading.Thread(target=self._read, daemon=True).start()
        self.http = httpx.Client(base_url=self.url, timeout=10.0)

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_until_live(self) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                if self.http.get("/livez").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise AssertionError("the service did not answer /livez:\n" + "\n".join(self.lines))

    def exit_code_unless_live(self) -> int | None:
        """Its exit code once it exits; None if it answers /livez first (or neither happens
        within STARTUP_SECONDS)."""
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return self.process.returncode
            try:
                if self.http.get("/livez").status_code == 200:
                    return None
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        return None

    def exit_code(self, within: float = 10.0) -> int | None:
        try:
            return self.process.wait(timeout=within)
        except subprocess.TimeoutExpired:
            return None

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            if self.exit_code() is None:
                self.process.kill()
                self.process.wait()
        self.http.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def database_url() -> Iterator[str]:
    """A URL whose connections see only a new, migrated schema (PostgreSQL's search_path)."""
    server = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    schema = f"test_{secrets.token_hex(6)}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}".encode())
    separator = "&" if "?" in server else "?"
    url = f"{server}{separator}options=-csearch_path%3D{schema}"
    upgrade(url)
    yield url
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE".encode())


@pytest.fixture(scope="module")
def carrier() -> Iterator[Carrier]:
    token = secrets.token_hex(8)
    server = serve(0, token)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield Carrier(f"http://127.0.0.1:{server.server_address[1]}", token)
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def env(database_url: str, carrier: Carrier) -> dict[str, str]:
    """The environment production gives the service (a short carrier timeout: fast tests)."""
    unset = {"CARRIER_URL", "CARRIER_TIMEOUT_SECONDS", "CARRIER_ATTEMPTS", "LOG_LEVEL", "PORT"}
    kept = {k: v for k, v in os.environ.items() if k not in unset}
    return {**kept, "DATABASE_URL": database_url, "CARRIER_URL": carrier.url,
            "CARRIER_TIMEOUT_SECONDS": "0.5"}  # fmt: skip


@pytest.fixture(scope="module")
def start(env: dict[str, str]) -> Iterator[Callable[..., Service]]:
    """start(**changes) -> the service, started with `env` changed (None: unset), not waited for."""
    started: list[Service] = []

    def starting(**changes: str | None) -> Service:
        changed = {k: v for k, v in {**env, **changes}.items() if v is not None}
        started.append(Service(changed))
        return started[-1]

    yield starting
    for service in started:
        service.stop()


@pytest.fixture(scope="module")
def service(start: Callable[..., Service]) -> Service:
    """The service, live."""
    running = start()
    running.wait_until_live()
    return running


def parcel(weight_g: int, origin: str = "DE", destination: str = "FR") -> dict[str, Any]:
    return {"from": origin, "to": destination, "weight_g": weight_g}
