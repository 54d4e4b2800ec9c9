"""Fixtures for the black-box checks: they talk to the running service over HTTP only.

The grader starts the learner's service (after `python -m app.seed`) and sets
CLASSROOM_BASE_URL. These tests run from the grader's environment (pytest + httpx).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

BASE_URL = os.environ.get("CLASSROOM_BASE_URL", "http://127.0.0.1:8000")
SEED_PASSWORD = os.environ.get("SEED_PASSWORD", "seed-password")
# The key assignment.toml gives the service under grading: tokens signed with it pass the
# signature check, so a check can name a user that does not exist. A service that ignores
# JWT_SECRET rejects them anyway, so no check can fail because of this value.
GRADING_JWT_SECRET = os.environ.get("JWT_SECRET", "grading-only-signing-key-not-used-anywhere-else")
PASSWORD = "correct-horse-battery"


@dataclass(frozen=True)
class Account:
    id: int
    username: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


class Api:
    """A thin HTTP client for the Tasks API contract in the brief."""

    def __init__(self, client: httpx.Client) -> None:
        self.http = client

    def register(self) -> Account:
        username = f"u{uuid.uuid4().hex[:16]}"
        created = self.http.post(
            "/auth/register", json={"username": username, "password": PASSWORD}
        )
        assert created.status_code == 201, f"register: {created.status_code} {created.text}"
        return self.login(username, PASSWORD)

    def login(self, username: str, password: str) -> Account:
        response = self.http.post("/auth/login", json={"username": username, "password": password})
        assert response.status_code == 200, f"login: {response.status_code} {response.text}"
        token = response.json()["access_token"]
        me = self.http.get("/users/me", headers={"Authorization": f"Bearer {token}"})
        assert me.status_code == 200, f"/users/me: {me.status_code} {me.text}"
        return Account(id=me.json()["id"], username=username, token=token)

    def create(self, who: Account, **fields: Any) -> dict[str, Any]:
        body = {"title": "Write the design doc", **fields}
        response = self.http.post("/tasks", json=body, headers=who.headers)
        assert response.status_code == 201, f"POST /tasks: {response.status_code} {response.text}"
        return response.json()

    def list(self, who: Account, **params: Any) -> httpx.Response:
        return self.http.get("/tasks", params=params, headers=who.headers)

    def walk(self, who: Account, **params: Any) -> list[list[dict[str, Any]]]:
        """Every page of GET /tasks, following next_cursor (at most 50 pages)."""
        pages: list[list[dict[str, Any]]] = []
        for _ in range(50):
            response = self.list(who, **params)
            assert response.status_code == 200, f"GET /tasks: {response.status_code}"
            body = response.json()
            pages.append(body["items"])
            if not body.get("next_cursor"):
                return pages
            params = {**params, "cursor": body["next_cursor"]}
        raise AssertionError("next_cursor never ended after 50 pages")


def forge_token(payload: dict[str, Any], key: bytes, alg: str = "HS256") -> str:
    """A JWT signed with `key` (or unsigned for alg none), built without a JWT library."""

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).decode().rstrip("=")

    header = b64(json.dumps({"alg": alg, "typ": "JWT"}).encode())
    body = b64(json.dumps(payload).encode())
    signing_input = f"{header}.{body}".encode()
    if alg == "none":
        return f"{header}.{body}."
    signature = hmac.new(key, signing_input, hashlib.sha256).digest()
    return f"{header}.{body}.{b64(signature)}"


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    # One client per test: a connection the service dropped after a 500 fails one test, not two.
    with httpx.Client(base_url=BASE_URL, timeout=30.0) as http:
        yield http


@pytest.fixture
def api(client: httpx.Client) -> Api:
    return Api(client)


@pytest.fixture
def alice(api: Api) -> Account:
    return api.register()


@pytest.fixture
def bob(api: Api) -> Account:
    return api.register()


@pytest.fixture(scope="session")
def admin() -> Account:
    with httpx.Client(base_url=BASE_URL, timeout=30.0) as http:
        return Api(http).login("admin", SEED_PASSWORD)


@pytest.fixture
def forge() -> Any:
    return forge_token


@pytest.fixture
def seed_password() -> str:
    return SEED_PASSWORD


@pytest.fixture
def service_key() -> bytes:
    return GRADING_JWT_SECRET.encode()
