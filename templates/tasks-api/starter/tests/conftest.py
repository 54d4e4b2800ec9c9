"""Test fixtures: a fresh app on a temporary SQLite database for every test."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.main import create_app

PASSWORD = "correct-horse-battery"
Headers = dict[str, str]


@pytest.fixture
def make_client(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[..., TestClient]]:
    """Builds a client for an app configured by environment variables, as in production."""
    clients: list[TestClient] = []

    def build(rate_limit_per_minute: int = 1000) -> TestClient:
        monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'test.db'}")
        monkeypatch.setenv("JWT_SECRET", "test-only-secret-key-with-enough-length")
        monkeypatch.setenv("RATE_LIMIT_PER_MINUTE", str(rate_limit_per_minute))
        client = TestClient(create_app())
        clients.append(client.__enter__())
        return client

    yield build
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client()


def register_and_login(client: TestClient) -> Headers:
    username = f"user_{uuid.uuid4().hex[:12]}"
    body = {"username": username, "password": PASSWORD}
    assert client.post("/auth/register", json=body).status_code == 201
    token = client.post("/auth/login", json=body).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def new_user() -> Callable[[TestClient], Headers]:
    """Registers a fresh user on a client and returns their auth headers."""
    return register_and_login


@pytest.fixture
def alice(client: TestClient) -> Headers:
    return register_and_login(client)


@pytest.fixture
def bob(client: TestClient) -> Headers:
    return register_and_login(client)
