"""Fixtures for the black-box checks: they talk to the running service over HTTP only.

The grader starts the learner's service (after `python -m app.seed`) and sets
CLASSROOM_BASE_URL. These tests run from the grader's environment (pytest + httpx).
Every test books on a day of its own, far in the future, so tests never collide.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

BASE_URL = os.environ.get("CLASSROOM_BASE_URL", "http://127.0.0.1:8000")
SEED_PASSWORD = os.environ.get("SEED_PASSWORD", "seed-password")
ROOMS = 20
_random = random.SystemRandom()
_FIRST_DAY = dt.datetime(_random.randint(2040, 2090), 1, 1, tzinfo=dt.UTC)
_days = itertools.count(_random.randint(0, 300))


@dataclass(frozen=True)
class Account:
    id: int
    username: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def iso(moment: dt.datetime, offset_hours: int = 0) -> str:
    """`moment` as RFC 3339 text in the given UTC offset (0 gives `+00:00`)."""
    zone = dt.timezone(dt.timedelta(hours=offset_hours))
    return moment.astimezone(zone).isoformat()


def utc(text: str) -> dt.datetime:
    """A date-time from a response, which must carry an offset."""
    moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    assert moment.tzinfo is not None, f"{text!r} has no offset: answer in UTC, e.g. ...Z"
    return moment


class Api:
    """A thin HTTP client for the Bookings API contract."""

    def __init__(self, client: httpx.Client) -> None:
        self.http = client

    def login(self, username: str, password: str = SEED_PASSWORD) -> Account:
        response = self.http.post("/auth/login", json={"username": username, "password": password})
        assert response.status_code == 200, f"login: {response.status_code} {response.text}"
        token = response.json()["access_token"]
        me = self.http.get("/users/me", headers={"Authorization": f"Bearer {token}"})
        assert me.status_code == 200, f"/users/me: {me.status_code} {me.text}"
        return Account(id=me.json()["id"], username=username, token=token)

    def post(
        self, who: Account, room_id: int, start: str, end: str, **extra: Any
    ) -> httpx.Response:
        body = {"room_id": room_id, "start": start, "end": end, **extra}
        return self.http.post("/bookings", json=body, headers=who.headers)

    def book(
        self, who: Account, room_id: int, start: dt.datetime, hours: float = 1
    ) -> dict[str, Any]:
        end = start + dt.timedelta(hours=hours)
        response = self.post(who, room_id, iso(start), iso(end))
        assert response.status_code == 201, (
            f"POST /bookings: {response.status_code} {response.text}"
        )
        return response.json()

    def list(self, who: Account, user_id: int, **params: Any) -> httpx.Response:
        return self.http.get(f"/users/{user_id}/bookings", params=params, headers=who.headers)


@pytest.fixture
def day() -> dt.datetime:
    """Midnight UTC of a day no other test books on."""
    return _FIRST_DAY + dt.timedelta(days=next(_days))


@pytest.fixture
def room() -> int:
    return _random.randint(1, ROOMS)


@pytest.fixture(name="iso")
def iso_fixture() -> Any:
    return iso


@pytest.fixture(name="utc")
def utc_fixture() -> Any:
    return utc


@pytest.fixture
def base_url() -> str:
    return BASE_URL


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    # One client per test: a connection the service dropped after a 500 fails one test, not two.
    with httpx.Client(base_url=BASE_URL, timeout=30.0) as http:
        yield http


@pytest.fixture
def api(client: httpx.Client) -> Api:
    return Api(client)


def _session_login(username: str) -> Account:
    with httpx.Client(base_url=BASE_URL, timeout=30.0) as http:
        return Api(http).login(username)


@pytest.fixture(scope="session")
def alice() -> Account:
    return _session_login("user039")


@pytest.fixture(scope="session")
def bob() -> Account:
    return _session_login("user040")


@pytest.fixture(scope="session")
def admin() -> Account:
    return _session_login("admin")


@pytest.fixture(scope="session")
def published() -> dict[str, Any]:
    """The service's own OpenAPI document."""
    with httpx.Client(base_url=BASE_URL, timeout=30.0) as http:
        response = http.get("/openapi.json")
    assert response.status_code == 200, f"GET /openapi.json: {response.status_code}"
    document: dict[str, Any] = response.json()
    return document
