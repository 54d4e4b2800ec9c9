"""Test fixtures: a fresh app on an empty PostgreSQL database for every test.

The tests need a PostgreSQL database they may empty: DATABASE_URL names it (the grader sets
it to a throwaway database of its own; see README.md for yours). Before every test each
table is emptied (TRUNCATE), so a test never sees another's rows."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import db
from app.auth import hash_password, now_iso
from app.main import create_app

PASSWORD = "correct-horse-battery"


@dataclass(frozen=True)
class Account:
    id: int
    email: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


class Shop:
    """The API as the shop front and the back office use it."""

    def __init__(self, client: FlaskClient) -> None:
        self.http = client

    def register(self, name: str | None = None) -> Account:
        email = f"c{uuid.uuid4().hex[:12]}@example.com"
        body: dict[str, Any] = {"email": email, "password": PASSWORD}
        if name:
            body["name"] = name
        created = self.http.post("/auth/register", json=body)
        assert created.status_code == 201, created.get_data(as_text=True)
        return self.login(email, PASSWORD)

    def login(self, email: str, password: str) -> Account:
        response = self.http.post("/auth/login", json={"email": email, "password": password})
        assert response.status_code == 200, response.get_data(as_text=True)
        body = response.get_json()
        return Account(id=body["customer"]["id"], email=email, token=body["token"])

    def add_product(
        self, staff: Account, stock: int = 10, price_cents: int = 1999, **extra: Any
    ) -> dict[str, Any]:
        sku = f"T-{uuid.uuid4().hex[:10]}"
        body = {
            "sku": sku,
            "name": f"Widget {sku}",
            "price_cents": price_cents,
            "stock": stock,
            **extra,
        }
        response = self.http.post("/products", json=body, headers=staff.headers)
        assert response.status_code == 201, response.get_data(as_text=True)
        product: dict[str, Any] = response.get_json()
        return product

    def order(self, who: Account, *lines: tuple[int, int], note: str | None = None) -> Any:
        body: dict[str, Any] = {"lines": [{"product_id": p, "qty": q} for p, q in lines]}
        if note is not None:
            body["note"] = note
        return self.http.post("/orders", json=body, headers=who.headers)

    def place(self, who: Account, *lines: tuple[int, int]) -> dict[str, Any]:
        response = self.order(who, *lines)
        assert response.status_code == 201, response.get_data(as_text=True)
        order: dict[str, Any] = response.get_json()
        return order

    def stock(self, who: Account, product_id: int) -> int:
        stock: int = self.http.get(f"/products/{product_id}", headers=who.headers).get_json()[
            "stock"
        ]
        return stock


def database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        pytest.exit(
            "set DATABASE_URL to a PostgreSQL database the tests may empty (README.md: running "
            "the tests)",
            returncode=2,
        )
    return url


def empty_every_table(url: str) -> None:
    with db.connect(url) as conn:
        tables = [
            row["tablename"]
            for row in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        ]
        if tables:
            names = ", ".join(f'"{name}"' for name in tables)
            conn.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")


@pytest.fixture
def app(monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    url = database_url()
    monkeypatch.setenv("FRAUD_CHECK_MS", "0")
    monkeypatch.delenv("PAGE_SIZE", raising=False)
    monkeypatch.delenv("LOW_STOCK_THRESHOLD", raising=False)
    app = create_app()
    empty_every_table(url)
    app.config["TESTING"] = True
    yield app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def shop(client: FlaskClient) -> Shop:
    return Shop(client)


@pytest.fixture
def staff(app: Flask, shop: Shop) -> Account:
    conn = db.connect(app.config["STOCKROOM"].database_url)
    conn.execute(
        "INSERT INTO customers (email, name, password_hash, role, created_at)"
        " VALUES ('boss@example.com', 'Boss', %s, 'staff', %s)",
        (hash_password(PASSWORD), now_iso()),
    )
    conn.commit()
    conn.close()
    return shop.login("boss@example.com", PASSWORD)


@pytest.fixture
def alice(shop: Shop) -> Account:
    return shop.register("Alice")


@pytest.fixture
def bob(shop: Shop) -> Account:
    return shop.register("Bob")
