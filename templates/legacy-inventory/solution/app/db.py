"""SQLite access: one connection per request, plus the schema.

We moved off the ORM in 2022 (docs/adr-0002-plain-sqlite.md). Keep SQL in the modules that
use it; this file only opens connections and creates tables.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from flask import Flask, current_app, g

SCHEMA = """
CREATE TABLE IF NOT EXISTS customers (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL DEFAULT 'customer',
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    token TEXT PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS products (
    id INTEGER PRIMARY KEY,
    sku TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    price_cents INTEGER NOT NULL,
    stock INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS orders (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    status TEXT NOT NULL DEFAULT 'placed',
    total_cents INTEGER NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS order_lines (
    id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL REFERENCES orders(id),
    product_id INTEGER NOT NULL REFERENCES products(id),
    qty INTEGER NOT NULL,
    unit_price_cents INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS stock_movements (
    id INTEGER PRIMARY KEY,
    product_id INTEGER NOT NULL REFERENCES products(id),
    delta INTEGER NOT NULL,
    reason TEXT NOT NULL,
    order_id INTEGER REFERENCES orders(id),
    created_at TEXT NOT NULL
);
-- "My orders" pages by customer, newest first; lines are loaded by order.
CREATE INDEX IF NOT EXISTS orders_by_customer ON orders(customer_id, created_at, id);
CREATE INDEX IF NOT EXISTS order_lines_by_order ON order_lines(order_id);
CREATE INDEX IF NOT EXISTS sessions_by_customer ON sessions(customer_id);
CREATE INDEX IF NOT EXISTS stock_movements_by_product ON stock_movements(product_id);
"""


def connect(path: str) -> sqlite3.Connection:
    """A connection that waits for locks instead of failing, with rows addressable by name."""
    conn = sqlite3.connect(path, timeout=15)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def init_schema(path: str) -> None:
    """Create the tables if they are missing; safe to run on every start."""
    conn = connect(path)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.executescript(SCHEMA)
        conn.commit()
    finally:
        conn.close()


def get_db() -> sqlite3.Connection:
    """This request's connection, opened on first use."""
    if "db" not in g:
        g.db = connect(current_app.config["STOCKROOM"].database_path)
    conn: sqlite3.Connection = g.db
    return conn


def close_db(_exc: BaseException | None = None) -> None:
    conn = g.pop("db", None)
    if conn is not None:
        conn.close()


def query_one(sql: str, params: tuple[Any, ...] = ()) -> sqlite3.Row | None:
    row: sqlite3.Row | None = get_db().execute(sql, params).fetchone()
    return row


def query_all(sql: str, params: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
    return get_db().execute(sql, params).fetchall()


def init_app(app: Flask) -> None:
    app.teardown_appcontext(close_db)
