"""The stock ledger: every change to a product's stock, with the reason.

The warehouse asked for this after the 2025 stocktake (WH-150): when a count is off they
want to see which orders, cancellations and corrections moved it. The ledger is written in
the same transaction as the change it records; `products.stock` stays the number of record.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request

from app import db
from app.auth import now_iso, staff_required
from app.errors import not_found

bp = Blueprint("inventory", __name__)

REASONS = ("order", "cancel", "correction", "initial")
LEDGER_PAGE = 50


def record(conn, product_id, delta, reason, order_id=None):
    """Add one ledger line in the caller's transaction (the caller commits)."""
    if reason not in REASONS:
        raise ValueError(f"unknown stock movement reason {reason!r}")
    if delta == 0:
        return
    conn.execute(
        "INSERT INTO stock_movements (product_id, delta, reason, order_id, created_at)"
        " VALUES (%s, %s, %s, %s, %s)",
        (product_id, delta, reason, order_id, now_iso()),
    )


def movement_json(row: db.Row) -> dict[str, Any]:
    return {
        "delta": row["delta"],
        "reason": row["reason"],
        "order_id": row["order_id"],
        "created_at": row["created_at"],
    }


@bp.get("/products/<int:product_id>/movements")
@staff_required
def movements(product_id):
    """The product's ledger, newest first, and whether it adds up to the stock on record."""
    product = db.query_one("SELECT id, stock FROM products WHERE id = %s", (product_id,))
    if product is None:
        raise not_found("product")
    limit = min(int(request.args.get("limit", LEDGER_PAGE)), LEDGER_PAGE)
    rows = db.query_all(
        "SELECT * FROM stock_movements WHERE product_id = %s ORDER BY id DESC LIMIT %s",
        (product_id, limit),
    )
    total = db.query_one(
        "SELECT COALESCE(SUM(delta), 0) AS total FROM stock_movements WHERE product_id = %s",
        (product_id,),
    )
    return jsonify(
        {
            "product_id": product_id,
            "stock": product["stock"],
            "ledger_total": total["total"],
            "movements": [movement_json(r) for r in rows],
        }
    )
