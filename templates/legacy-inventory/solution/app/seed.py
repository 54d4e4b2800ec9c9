"""Fill an empty database with demo data: `python -m app.seed`.

staff@example.com (role staff) and customer001..customer200@example.com, all with the
password in SEED_PASSWORD; 400 products; 40,000 orders spread over two years. Runs in a few
seconds; does nothing when customers already exist.
"""

from __future__ import annotations

import os
import random
from datetime import UTC, datetime, timedelta

from app import db
from app.auth import hash_password, now_iso
from app.config import load_config

DEFAULT_PASSWORD = "seed-password"  # noqa: S105 -- the documented demo password
CUSTOMERS = 200
PRODUCTS = 400
ORDERS = 40_000
WORDS = [
    "Bolt",
    "Hinge",
    "Bracket",
    "Washer",
    "Gasket",
    "Valve",
    "Spring",
    "Clamp",
    "Pulley",
    "Rivet",
]
FINISHES = ["steel", "brass", "zinc", "nylon", "copper"]
Row = tuple[object, ...]


def _people(password: str, created: str) -> list[Row]:
    staff: Row = ("staff@example.com", "Warehouse Staff", password, "staff", created)
    customers: list[Row] = [
        (f"customer{n:03d}@example.com", f"Customer {n}", password, "customer", created)
        for n in range(1, CUSTOMERS + 1)
    ]
    return [staff, *customers]


def _products(rng: random.Random, created: str) -> list[tuple[str, str, int, int, str]]:
    return [
        (
            f"SKU-{n:05d}",
            f"{WORDS[n % len(WORDS)]} {FINISHES[n % len(FINISHES)]} {n}",
            rng.randint(50, 20_000),
            100_000,
            created,
        )
        for n in range(1, PRODUCTS + 1)
    ]


def _orders(rng: random.Random, prices: dict[int, int]) -> tuple[list[Row], list[Row]]:
    start = datetime(2024, 1, 1, tzinfo=UTC)
    orders: list[Row] = []
    lines: list[Row] = []
    for order_id in range(1, ORDERS + 1):
        customer_id = rng.randint(2, CUSTOMERS + 1)
        when = start + timedelta(minutes=rng.randint(0, 2 * 365 * 24 * 60))
        total = 0
        for _ in range(rng.randint(1, 4)):
            product_id = rng.randint(1, PRODUCTS)
            qty = rng.randint(1, 3)
            total += prices[product_id] * qty
            lines.append((order_id, product_id, qty, prices[product_id]))
        status = "cancelled" if rng.random() < 0.05 else "placed"
        orders.append((order_id, customer_id, status, total, when.strftime("%Y-%m-%dT%H:%M:%SZ")))
    return orders, lines


def seed(path: str, rng: random.Random | None = None) -> None:
    rng = rng or random.Random(1234)  # noqa: S311 -- demo data, not secrets
    db.init_schema(path)
    conn = db.connect(path)
    if conn.execute("SELECT COUNT(*) FROM customers").fetchone()[0]:
        print("already seeded")
        return
    password = hash_password(os.environ.get("SEED_PASSWORD", DEFAULT_PASSWORD))
    created = now_iso()
    conn.executemany(
        "INSERT INTO customers (email, name, password_hash, role, created_at)"
        " VALUES (?, ?, ?, ?, ?)",
        _people(password, created),
    )
    products = _products(rng, created)
    conn.executemany(
        "INSERT INTO products (sku, name, price_cents, stock, created_at) VALUES (?, ?, ?, ?, ?)",
        products,
    )
    orders, lines = _orders(rng, {n: p[2] for n, p in enumerate(products, start=1)})
    conn.executemany(
        "INSERT INTO orders (id, customer_id, status, total_cents, created_at)"
        " VALUES (?, ?, ?, ?, ?)",
        orders,
    )
    conn.executemany(
        "INSERT INTO order_lines (order_id, product_id, qty, unit_price_cents) VALUES (?, ?, ?, ?)",
        lines,
    )
    conn.commit()
    conn.close()
    print(f"seeded {CUSTOMERS} customers, {PRODUCTS} products, {ORDERS} orders")


if __name__ == "__main__":
    seed(load_config().database_path)
