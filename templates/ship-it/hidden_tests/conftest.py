"""Fixtures for the black-box checks: HTTP to the running service, and what production sees.

The grader runs two instances of the learner's service (`python -m app`, after
`python -m app.migrate`) and Parcelway (upstreams/carrier.py). These checks script
Parcelway's failures and read its record of calls (CLASSROOM_UPSTREAM_CARRIER_URL and the
run's token, which the service never sees), read what each instance printed
(CLASSROOM_SERVICE_LOGS), send SIGTERM to an instance as a deploy would
(CLASSROOM_SERVICE_PIDS), and take the database away as an outage would (the superuser's
psql). Every check asks about parcels of a weight of its own, so no check sees another's calls.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

BASE_URLS = os.environ.get("CLASSROOM_BASE_URLS", "http://127.0.0.1:8000").split()
CARRIER_URL = os.environ.get("CLASSROOM_UPSTREAM_CARRIER_URL", "http://127.0.0.1:8100")
TOKEN = os.environ.get("CLASSROOM_UPSTREAM_TOKEN", "")
_weights = random.SystemRandom().sample(range(5_000, 30_000), 200)


class Shipquote:
    """The service's two instances, Parcelway's operator, and production's view of both."""

    def __init__(self, http: httpx.Client, carrier: httpx.Client) -> None:
        self.http = http  # the first instance
        self.carrier = carrier
        self.base_urls = BASE_URLS  # every instance's address

    @staticmethod
    def weight() -> int:
        """A parcel weight no other check uses."""
        return _weights.pop()

    @staticmethod
    def parcel(weight_g: int, origin: str = "DE", destination: str = "FR") -> dict[str, Any]:
        return {"from": origin, "to": destination, "weight_g": weight_g}

    def script(self, weight_g: int, **order: int) -> None:
        """Script Parcelway's next calls for `weight_g`: fail=N, status=S, slow=M, delay_ms=D."""
        self.carrier.post("/_script", json={"weight_g": weight_g, **order}).raise_for_status()

    def calls(self, weight_g: int | None = None) -> list[dict[str, Any]]:
        params = {} if weight_g is None else {"weight_g": weight_g}
        answer = self.carrier.get("/_calls", params=params)
        answer.raise_for_status()
        calls: list[dict[str, Any]] = answer.json()["calls"]
        return calls

    def wait_for_call(self, weight_g: int, within: float = 5.0) -> bool:
        deadline = time.monotonic() + within
        while not self.calls(weight_g):
            if time.monotonic() > deadline:
                return False
            time.sleep(0.02)
        return True

    @staticmethod
    def log_lines(instance: int = 0) -> list[str]:
        """Every line instance `instance` (0: the first) has printed so far."""
        time.sleep(0.3)  # a line is written as its answer goes out
        path = Path(os.environ["CLASSROOM_SERVICE_LOGS"].split()[instance])
        return path.read_text(encoding="utf-8", errors="replace").splitlines()

    def logged(self, key: str, value: Any) -> list[dict[str, Any]]:
        """The first instance's JSON log lines whose `key` is `value`."""
        found = []
        for line in self.log_lines():
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if isinstance(entry, dict) and entry.get(key) == value:
                found.append(entry)
        return found

    @staticmethod
    def pid(instance: int) -> int:
        """The process of instance `instance` (0: the first) as the machine sees it, still
        running the start command (never a pid the machine gave to another process since)."""
        pid = int(os.environ["CLASSROOM_SERVICE_PIDS"].split()[instance])
        command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        assert b"app" in command, f"instance {instance + 1} is no longer running"
        return pid

    @staticmethod
    def psql(sql: str) -> None:
        """Run `sql` as the grader's superuser, on the server's own `postgres` database."""
        subprocess.run(  # noqa: S603  (the grader's own psql, from the grader)
            [os.environ["CLASSROOM_PSQL"], "-X", "-q", "-v", "ON_ERROR_STOP=1",
             "-d", "postgres", "-c", sql],
            check=True, capture_output=True, timeout=30,
        )  # fmt: skip


@pytest.fixture(scope="session")
def shipquote() -> Any:
    with (
        httpx.Client(base_url=BASE_URLS[0], timeout=15.0) as http,
        httpx.Client(
            base_url=CARRIER_URL, timeout=15.0, headers={"Authorization": f"Bearer {TOKEN}"}
        ) as carrier,
    ):
        yield Shipquote(http, carrier)
