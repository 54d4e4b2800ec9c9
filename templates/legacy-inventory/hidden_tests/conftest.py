"""Fixtures for the black-box checks: they talk to the running service over HTTP only.

The grader starts the learner's service (after `python -m app.seed`) and sets
CLASSROOM_BASE_URL. These tests run from the grader's environment (pytest + httpx).
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

BASE_URL = os.environ.get("CLASSROOM_BASE_URL", "http://127.0.0.1:8000")
SEED_PASSWORD = os.environ.get("SEED_PASSWORD", "seed-password")
PASSWORD = "correct-horse-battery"
# The brief's error codes for each status.
CODES = {
    400: {"bad_request"},
    401: {"unauthorized"},
    403: {"forbidden"},
    404: {"not_found"},
    405: {"method_not_allowed"},
    409: {"conflict", "out_of_stock"},
}


@dataclass(frozen=True)
class Account:
    id: int
    email: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


class Shop:
    """A thin HTTP client for the Stockroom API in the brief."""

    def __init__(self, client: httpx.Client) -> None:
        self.http = client

    def register(self) -> Account:
        email = f"h{uuid.uuid4().hex[:16]}@example.com"
        created = self.http.post("/auth/register", json={"email": email, "password": PASSWORD})
        assert created.status_code == 201, f"register: {created.status_code} {created.text}"
        return self.login(email, PASSWORD)

    def login(self, email: str, password: str) -> Account:
        response = self.http.post("/auth/login", json={"email": email, "password": password})
        assert response.status_code == 200, f"login: {response.status_code} {response.text}"
        body = response.json()
        return Account(id=body["customer"]["id"], email=email, token=body["token"])

    def add_product(self, staff: Account, stock: int, name: str = "") -> dict[str, Any]:
        sku = f"H-{uuid.uuid4().hex[:12]}"
        body = {"sku": sku, "name": name or f"Check {sku}", "price_cents": 700, "stock": stock}
        response = self.http.post("/products", json=body, headers=staff.headers)
        assert response.status_code == 201, (
            f"POST /products: {response.status_code} {response.text}"
        )
        return response.json()

    def order(self, who: Account, *lines: tuple[int, int]) -> httpx.Response:
        body = {"lines": [{"product_id": p, "qty": q} for p, q in lines]}
        return self.http.post("/orders", json=body, headers=who.headers)

    def place(self, who: Account, *lines: tuple[int, int]) -> dict[str, Any]:
        response = self.order(who, *lines)
        assert response.status_code == 201, f"POST /orders: {response.status_code} {response.text}"
        return response.json()

    def stock(self, who: Account, product_id: int) -> int:
        response = self.http.get(f"/products/{product_id}", headers=who.headers)
        assert response.status_code == 200, f"GET /products/{product_id}: {response.status_code}"
        return response.json()["stock"]


def rush_orders(buyers: list[Account], product_id: int, qty: int) -> list[int]:
    """Every buyer orders at the same moment, each on its own connection; their status codes."""
    clients = [httpx.Client(base_url=BASE_URL, timeout=60.0) for _ in buyers]
    start = threading.Barrier(len(buyers))
    body = {"lines": [{"product_id": product_id, "qty": qty}]}

    def buy(turn: int) -> int:
        start.wait(timeout=30)
        return clients[turn].post("/orders", json=body, headers=buyers[turn].headers).status_code

    try:
        with ThreadPoolExecutor(max_workers=len(buyers)) as pool:
            return list(pool.map(buy, range(len(buyers))))
    finally:
        for client in clients:
            client.close()


def assert_error(response: httpx.Response, status: int) -> None:
    """The status, and the brief's error body: {"error": {"code": str, "message": str}}."""
    assert response.status_code == status, f"{response.status_code} {response.text[:200]}"
    try:
        body = response.json()
    except ValueError:
        raise AssertionError(f"not JSON: {response.text[:200]}") from None
    error = body.get("error") if isinstance(body, dict) else None
    assert isinstance(error, dict), body
    assert error.get("code") in CODES[status], (
        f"code for {status} should be one of {CODES[status]}: {body}"
    )
    assert isinstance(error.get("message"), str) and error["message"], body


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    # One client per test: a connection the service dropped after a 500 fails one test, not two.
    with httpx.Client(base_url=BASE_URL, timeout=30.0) as http:
        yield http


@pytest.fixture
def shop(client: httpx.Client) -> Shop:
    return Shop(client)


@pytest.fixture
def alice(shop: Shop) -> Account:
    return shop.register()


@pytest.fixture
def bob(shop: Shop) -> Account:
    return shop.register()


@pytest.fixture(scope="session")
def staff() -> Account:
    with httpx.Client(base_url=BASE_URL, timeout=30.0) as http:
        return Shop(http).login("staff@example.com", SEED_PASSWORD)


@pytest.fixture
def rush() -> Callable[[list[Account], int, int], list[int]]:
    return rush_orders


@pytest.fixture
def is_error() -> Callable[[httpx.Response, int], None]:
    """`is_error(response, 404)` asserts the status and the brief's JSON error body."""
    return assert_error
