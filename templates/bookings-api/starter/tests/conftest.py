"""Test fixtures: a freshly migrated and seeded SQLite database and app for every test."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app import seed
from app.main import create_app

PASSWORD = "seed-password-for-tests"


@dataclass(frozen=True)
class Account:
    id: int
    headers: dict[str, str]


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture
def client(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """A client of an app on a migrated database holding the seeded users and rooms."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("JWT_SECRET", "test-only-secret-key-with-enough-length")
    monkeypatch.setenv("SEED_PASSWORD", PASSWORD)
    monkeypatch.setenv("SEED_BOOKINGS", "0")
    seed.main()  # what `python -m app.seed` does: migrate, then add the users and rooms
    with TestClient(create_app()) as test_client:
        yield test_client


def login(client: TestClient, username: str) -> Account:
    body = {"username": username, "password": PASSWORD}
    token = client.post("/auth/login", json=body).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    return Account(id=client.get("/users/me", headers=headers).json()["id"], headers=headers)


@pytest.fixture
def alice(client: TestClient) -> Account:
    return login(client, "user001")


@pytest.fixture
def bob(client: TestClient) -> Account:
    return login(client, "user002")


@pytest.fixture
def admin(client: TestClient) -> Account:
    return login(client, "admin")


def booking(room_id: int, start: str, end: str, **extra: Any) -> dict[str, Any]:
    """A POST /bookings body."""
    return {"room_id": room_id, "start": start, "end": end, **extra}
