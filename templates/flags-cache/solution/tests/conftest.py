"""Test fixtures: every test gets a PostgreSQL schema of its own, migrated and seeded, and a
Redis namespace of its own.

The database is the one DATABASE_URL names and Redis the one REDIS_URL names (README:
"Running it"); the grader sets both to servers of its own. Each test's tables live in a new
schema that is dropped afterwards, and its cache entries under a prefix no other test uses,
so tests never see each other's flags.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient

from app import seed, store
from app.config import DEFAULT_DATABASE_URL
from app.main import create_app

TOKEN = "test-only-admin-token"
ADMIN = {"Authorization": f"Bearer {TOKEN}"}


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
def make_client(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[..., TestClient]]:
    """Clients of apps on one seeded database; `make_client(REDIS_URL=...)` overrides a setting.
    Apps made by one test share its Redis namespace, as two processes of the service would."""
    seed.seed(database_url)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("ADMIN_TOKEN", TOKEN)
    monkeypatch.setenv("CACHE_PREFIX", f"test-{secrets.token_hex(6)}:")
    opened: list[TestClient] = []

    def make(**settings: str) -> TestClient:
        for name, value in settings.items():
            monkeypatch.setenv(name, value)
        client = TestClient(create_app())
        opened.append(client.__enter__())
        return client

    yield make
    for client in opened:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client: Callable[..., TestClient]) -> TestClient:
    """A client of the service on a seeded database."""
    return make_client()


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """How many times the flags were read from the database (app.store), by function."""
    counted = {"load_flag": 0, "load_all_flags": 0}
    for name in counted:
        real = getattr(store, name)

        def counting(*args: Any, _name: str = name, _real: Any = real) -> Any:
            counted[_name] += 1
            return _real(*args)

        monkeypatch.setattr(store, name, counting)
    return counted


def set_flag(client: TestClient, key: str, **change: Any) -> dict[str, Any]:
    """PATCH the flag as the admin console does; the flag as changed."""
    response = client.patch(f"/flags/{key}", json=change, headers=ADMIN)
    assert response.status_code == 200, response.text
    changed: dict[str, Any] = response.json()
    return changed


def answer(client: TestClient, key: str, user: str, **attributes: str) -> dict[str, Any]:
    """GET /flags/{key}/evaluate for `user`: the evaluation."""
    response = client.get(f"/flags/{key}/evaluate", params={"user": user, **attributes})
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found
