"""Fill an empty database with demo data: `python -m app.seed`.

staff@example.com (role staff) and customer001..customer200@example.com, all with the
password in SEED_PASSWORD; 400 products; 40,000 orders spread over two years. Runs in a few
seconds; does nothing when customers already exist.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from app import db
from app.auth import hash_password, now_iso
from app.config import load_config

import os

DEFAULT_PASSWORD = "seed-password"
CUSTOMERS = 200
PRODUCTS = 400
ORDERS = 40_000
WORDS = ["Bolt", "Hinge", "Bracket", "Washer", "Gasket", "Valve", "Spring", "Clamp", "Pulley", "Rivet"]
NOTES = [
    "Leave the parcel with the neighbours at number 12 if nobody answers; the bell is broken, knock loudly.",
    "Deliver to the loading bay at the back of the building, gate code 4471, between 8:00 and 16:00 only.",
    "Invoice to accounts payable, purchase order reference required on the delivery note, thank you.",
    "Fragile: the last two deliveries arrived with bent brackets. Please pack the hinges separately.",
    "",
    "",
]
FINISHES = ["steel", "brass", "zinc", "nylon", "copper"]


def seed(url, rng=None):
    rng = rng or random.Random(1234)
    db.init_schema(url)
    conn = db.connect(url)
    if conn.execute("SELECT COUNT(*) AS n FROM customers").fetchone()["n"]:
        print("already seeded")
        return
    password = hash_password(os.environ.get("SEED_PASSWORD", DEFAULT_PASSWORD))
    created = now_iso()
    cur = conn.cursor()
    cur.execute(
        "INSERT INTO customers (email, name, password_hash, role, created_at) VALUES (%s, %s, %s, 'staff', %s)",
        ("staff@example.com", "Warehouse Staff", password, created),
    )
    cur.executemany(
        "INSERT INTO customers (email, name, password_hash, role, created_at) VALUES (%s, %s, %s, 'customer', %s)",
        [(f"customer{n:03d}@example.com", f"Customer {n}", password, created) for n in range(1, CUSTOMERS + 1)],
    )
    products = []
    for n in range(1, PRODUCTS + 1):
        name = f"{WORDS[n % len(WORDS)]} {FINISHES[n % len(FINISHES)]} {n}"
        products.append((f"SKU-{n:05d}", name, rng.randint(50, 20_000), 100_000, created))
    cur.executemany(
        "INSERT INTO products (sku, name, price_cents, stock, created_at) VALUES (%s, %s, %s, %s, %s)",
        products,
    )
    prices = {n: p[2] for n, p in enumerate(products, start=1)}
    start = datetime(2024, 1, 1, tzinfo=UTC)
    orders, lines = [], []
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
        orders.append((order_id, customer_id, status, total, rng.choice(NOTES), when.strftime("%Y-%m-%dT%H:%M:%SZ")))
    # COPY, not INSERTs: 40,000 orders and their lines in a second or two
    with cur.copy("COPY orders (id, customer_id, status, total_cents, note, created_at) FROM STDIN") as copy:
        for order in orders:
            copy.write_row(order)
    with cur.copy("COPY order_lines (order_id, product_id, qty, unit_price_cents) FROM STDIN") as copy:
        for line in lines:
            copy.write_row(line)
    # the orders came with their ids: new orders must be numbered after them
    cur.execute("SELECT setval(pg_get_serial_sequence('orders', 'id'), (SELECT MAX(id) FROM orders))")
    conn.commit()
    conn.close()
    print(f"seeded {CUSTOMERS} customers, {PRODUCTS} products, {ORDERS} orders")


if __name__ == "__main__":
    seed(load_config().database_url)
