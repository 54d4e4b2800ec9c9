"""The stock ledger: every change to a product's stock, with the reason.

The warehouse asked for this after the 2025 stocktake (WH-150): when a count is off they
want to see which orders, cancellations and corrections moved it. The ledger is written in
the same transaction as the change it records; `products.stock` stays the number of record.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify

from app import db
from app.auth import now_iso, staff_required
from app.errors import int_arg, not_found

bp = Blueprint("inventory", __name__)

# Reasons: order, cancel, correction (a stock count), initial (a new product).
LEDGER_PAGE = 50


def record(
    conn: db.Connection, product_id: int, delta: int, reason: str, order_id: int | None = None
) -> None:
    """Add one ledger line in the caller's transaction (the caller commits)."""
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
def movements(product_id: int) -> Response:
    """The product's ledger, newest first, and whether it adds up to the stock on record."""
    product = db.query_one("SELECT id, stock FROM products WHERE id = %s", (product_id,))
    if product is None:
        raise not_found("product")
    limit = int_arg("limit", LEDGER_PAGE, 1, LEDGER_PAGE)
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
            "ledger_total": total["total"] if total else 0,
            "movements": [movement_json(r) for r in rows],
        }
    )
