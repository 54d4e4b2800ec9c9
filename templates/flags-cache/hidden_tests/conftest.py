"""Fixtures for the black-box checks: they talk to the running service over HTTP, and act on
the grader's own Redis and PostgreSQL behind it as an outage or a busy database would.

The grader starts two instances of the learner's service (after `python -m app.seed`), each a
process of its own on a port of its own, with ADMIN_TOKEN, and sets CLASSROOM_BASE_URLS (both
addresses), CLASSROOM_REDIS_URL, CLASSROOM_PSQL and the superuser's libpq variables. These checks run in the grader's environment (pytest + httpx +
the standard library); each sets up the QA flags it uses (qa-01 to qa-20) itself.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import os
import socket
import subprocess
import time
from collections.abc import Iterator
from typing import Any, ClassVar
from urllib.parse import unquote, urlsplit

import httpx
import pytest

BASE_URL = os.environ.get("CLASSROOM_BASE_URL", "http://127.0.0.1:8000")
TOKEN = os.environ.get("ADMIN_TOKEN", "grading-only-admin-token-not-used-anywhere-else")
ADMIN = {"Authorization": f"Bearer {TOKEN}"}


def contract_bucket(key: str, user: str) -> int:
    return int.from_bytes(hashlib.sha256(f"{key}:{user}".encode()).digest()[:4], "big") % 100


class Flagpole:
    """The service as its callers and the admin console use it. The console changes flags on
    the first instance; callers' requests go to each instance in turn, so every check that
    reads twice reads from both (a cache kept in one process's memory shows as stale)."""

    admin: ClassVar[dict[str, str]] = ADMIN  # the console's headers

    def __init__(self, instances: list[httpx.Client]) -> None:
        self.http = instances[0]
        self.instances = instances
        self._turns = itertools.cycle(instances)

    def caller(self) -> httpx.Client:
        """The instance whose turn it is."""
        return next(self._turns)

    def set(self, key: str, **change: Any) -> dict[str, Any]:
        response = self.http.patch(f"/flags/{key}", json=change, headers=self.admin)
        assert response.status_code == 200, (
            f"PATCH /flags/{key}: {response.status_code} {response.text[:300]}"
        )
        changed: dict[str, Any] = response.json()
        return changed

    def flag(self, key: str) -> httpx.Response:
        return self.caller().get(f"/flags/{key}")

    def answer(self, key: str, user: str, **attributes: str) -> dict[str, Any]:
        response = self.caller().get(f"/flags/{key}/evaluate", params={"user": user, **attributes})
        assert response.status_code == 200, (
            f"evaluate {key}: {response.status_code} {response.text[:300]}"
        )
        found: dict[str, Any] = response.json()
        return found

    def enabled(self, key: str, user: str, **attributes: str) -> bool:
        return bool(self.answer(key, user, **attributes)["enabled"])

    def page(self, user: str, **attributes: str) -> dict[str, bool]:
        response = self.caller().get("/evaluate", params={"user": user, **attributes})
        assert response.status_code == 200, (
            f"GET /evaluate: {response.status_code} {response.text[:300]}"
        )
        flags: dict[str, bool] = response.json()["flags"]
        return flags


class Redis:
    """The grader's Redis, spoken to in its own protocol over its unix socket."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.path = parts.path
        self.password = unquote(parts.password or "")

    def command(self, *words: str) -> bytes:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(5)
            conn.connect(self.path)
            conn.sendall(_resp("AUTH", self.password) + _resp(*words))
            answer = b""
            while answer.count(b"\r\n") < 2:
                chunk = conn.recv(4096)
                if not chunk:
                    break
                answer += chunk
        return answer.split(b"\r\n", 1)[1]

    @contextlib.contextmanager
    def paused(self, milliseconds: int) -> Iterator[None]:
        """Every client's commands wait (as when Redis stalls) for `milliseconds`, which the
        `with` block outlasts: a pause cannot be lifted early (CLIENT UNPAUSE waits too)."""
        ends = time.monotonic() + milliseconds / 1000
        assert self.command("CLIENT", "PAUSE", str(milliseconds), "ALL").startswith(b"+OK")
        try:
            yield
        finally:
            time.sleep(max(0.0, ends - time.monotonic()) + 0.1)


def _resp(*words: str) -> bytes:
    encoded = [word.encode() for word in words]
    return b"*%d\r\n" % len(encoded) + b"".join(b"$%d\r\n%s\r\n" % (len(w), w) for w in encoded)


class Database:
    """The grader's superuser on the learner's database, through psql."""

    def __init__(self, psql: str) -> None:
        self.psql = psql

    def query(self, sql: str) -> str:
        done = subprocess.run(  # noqa: S603  (the grader's own psql, the grader's own SQL)
            [self.psql, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql],
            capture_output=True, text=True, timeout=30, check=True,
        )  # fmt: skip
        return done.stdout.strip()

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Every table of the learner's database locked against every reader, for the `with`
        block (every table: a copy of the flags in another one would wait too)."""
        holder = subprocess.Popen(  # noqa: S603
            [self.psql, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert holder.stdin is not None and holder.stdout is not None
        try:
            holder.stdin.write(LOCK_EVERY_TABLE)
            holder.stdin.flush()
            assert holder.stdout.readline().strip() == "locked"
            yield
        finally:
            holder.communicate("ROLLBACK;\n", timeout=30)

    def waiting(self) -> int:
        """Sessions waiting for a lock now (other than this one's)."""
        return int(
            self.query(
                "SELECT count(DISTINCT pid) FROM pg_locks "
                "WHERE NOT granted AND pid <> pg_backend_pid()"
            )
        )


LOCK_EVERY_TABLE = """BEGIN;
DO $$
DECLARE t text;
BEGIN
    FOR t IN SELECT format('%I.%I', schemaname, tablename) FROM pg_tables
             WHERE schemaname NOT IN ('pg_catalog', 'information_schema') LOOP
        EXECUTE 'LOCK TABLE ' || t || ' IN ACCESS EXCLUSIVE MODE';
    END LOOP;
END $$;
SELECT 'locked';
"""


@pytest.fixture
def flagpole() -> Iterator[Flagpole]:
    # Clients per test: a connection an instance dropped after a 500 fails one test, not two.
    urls = os.environ.get("CLASSROOM_BASE_URLS", BASE_URL).split()
    with contextlib.ExitStack() as stack:
        clients = [stack.enter_context(httpx.Client(base_url=u, timeout=30.0)) for u in urls]
        yield Flagpole(clients)


@pytest.fixture
def redis() -> Redis:
    url = os.environ.get("CLASSROOM_REDIS_URL")
    if not url:
        pytest.fail(
            "the grader gave no CLASSROOM_REDIS_URL (assignment.toml: [app.services.redis])"
        )
    return Redis(url)


@pytest.fixture
def database() -> Database:
    psql = os.environ.get("CLASSROOM_PSQL")
    if not psql:
        pytest.fail("the grader gave no CLASSROOM_PSQL (assignment.toml: [app.services.postgres])")
    return Database(psql)


@pytest.fixture
def bucket() -> Any:
    """contract_bucket(key, user): the SDKs' bucket, 0-99."""
    return contract_bucket
