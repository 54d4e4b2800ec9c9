"""Back-office reports for the warehouse and finance (staff only)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, current_app, jsonify, request

from app import db
from app.auth import staff_required
from app.errors import bad_request, int_arg
from app.products import product_json

bp = Blueprint("reports", __name__)


@bp.get("/reports/low-stock")
@staff_required
def low_stock() -> Response:
    """Products at or under the threshold, emptiest first: the warehouse reorders from this."""
    default = current_app.config["STOCKROOM"].low_stock_threshold
    threshold = int_arg("threshold", default, 0)
    rows = db.query_all("SELECT * FROM products WHERE stock <= %s ORDER BY stock, id", (threshold,))
    return jsonify({"threshold": threshold, "products": [product_json(r) for r in rows]})


@bp.get("/reports/daily-sales")
@staff_required
def daily_sales() -> Response:
    """Placed (not cancelled) orders and revenue for one UTC day."""
    day = request.args.get("day", "")
    try:
        date.fromisoformat(day)
    except ValueError:
        raise bad_request("day must be YYYY-MM-DD") from None
    row = db.query_one(
        "SELECT COUNT(*) AS orders, COALESCE(SUM(total_cents), 0) AS revenue FROM orders"
        " WHERE status = 'placed' AND substr(created_at, 1, 10) = %s",
        (day,),
    )
    orders, revenue = (row["orders"], row["revenue"]) if row else (0, 0)
    return jsonify({"day": day, "orders": orders, "revenue_cents": revenue})
