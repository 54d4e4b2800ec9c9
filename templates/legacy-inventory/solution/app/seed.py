"""Fill an empty database with demo data: `python -m app.seed`.

staff@example.com (role staff) and customer001..customer200@example.com, all with the
password in SEED_PASSWORD; 400 products; 40,000 orders spread over two years. Runs in a few
seconds; does nothing when customers already exist.
"""

from __future__ import annotations

import os
import random
from datetime import UTC, datetime, timedelta

import psycopg

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
NOTES = [
    "Leave the parcel with the neighbours at number 12 if nobody answers; the bell is broken,"
    " knock loudly.",
    "Deliver to the loading bay at the back of the building, gate code 4471, between 8:00 and"
    " 16:00 only.",
    "Invoice to accounts payable, purchase order reference required on the delivery note,"
    " thank you.",
    "Fragile: the last two deliveries arrived with bent brackets. Please pack the hinges"
    " separately.",
    "",
    "",
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
        note = rng.choice(NOTES)
        orders.append((order_id, customer_id, status, total, note, f"{when:%Y-%m-%dT%H:%M:%SZ}"))
    return orders, lines


def seed(url: str, rng: random.Random | None = None) -> None:
    rng = rng or random.Random(1234)  # noqa: S311 -- demo data, not secrets
    db.init_schema(url)
    with db.connect(url) as conn:
        counted = conn.execute("SELECT COUNT(*) AS n FROM customers").fetchone()
        if counted and counted["n"]:
            print("already seeded")
            return
        _fill(conn, rng)
    print(f"seeded {CUSTOMERS} customers, {PRODUCTS} products, {ORDERS} orders")


def _fill(conn: db.Connection, rng: random.Random) -> None:
    password = hash_password(os.environ.get("SEED_PASSWORD", DEFAULT_PASSWORD))
    created = now_iso()
    cur = conn.cursor()
    cur.executemany(
        "INSERT INTO customers (email, name, password_hash, role, created_at)"
        " VALUES (%s, %s, %s, %s, %s)",
        _people(password, created),
    )
    products = _products(rng, created)
    cur.executemany(
        "INSERT INTO products (sku, name, price_cents, stock, created_at)"
        " VALUES (%s, %s, %s, %s, %s)",
        products,
    )
    orders, lines = _orders(rng, {n: p[2] for n, p in enumerate(products, start=1)})
    # COPY, not INSERTs: 40,000 orders and their lines in a second or two
    _copy(cur, "COPY orders (id, customer_id, status, total_cents, note, created_at)", orders)
    _copy(cur, "COPY order_lines (order_id, product_id, qty, unit_price_cents)", lines)
    # the orders came with their ids: new orders must be numbered after them
    cur.execute("SELECT setval(pg_get_serial_sequence('orders', 'id'), MAX(id)) FROM orders")


def _copy(cur: psycopg.Cursor[db.Row], statement: str, rows: list[Row]) -> None:
    with cur.copy(f"{statement} FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


if __name__ == "__main__":
    seed(load_config().database_url)
