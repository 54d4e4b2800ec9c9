"""Odds and ends that several modules used at some point."""

from __future__ import annotations

import csv
import io


def format_money(cents: int, currency: str = "EUR") -> str:
    """`1234` -> `"12.34 EUR"`; what the old HTML receipts printed."""
    return f"{cents // 100}.{cents % 100:02d} {currency}"


def orders_to_csv(orders):
    # Used by the finance export until it moved to the data warehouse (2024-03).
    # TODO(priya): delete once finance confirms nobody calls /export/orders.csv any more
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "customer_id", "status", "total", "created_at"])
    for o in orders:
        writer.writerow([o["id"], o["customer_id"], o["status"], format_money(o["total_cents"]), o["created_at"]])
    return out.getvalue()


def chunked(items, size=500):
    """Yield lists of at most `size` items (SQLite limits the number of bound parameters)."""
    for start in range(0, len(items), size):
        yield items[start : start + size]
