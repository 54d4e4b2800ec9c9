"""Orders: what the shop front's "My orders" page and the checkout call.

An order has lines; each line is a product, a quantity and the unit price at the time of the
order (prices change, old orders must not).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, g, jsonify, request

from app import db, fraud, inventory
from app.auth import is_staff, login_required, now_iso
from app.errors import ApiError

bp = Blueprint("orders", __name__)

MAX_LINES = 20
SEARCH_RESULTS = 50


def order_json(order: db.Row) -> dict[str, Any]:
    lines = []
    for line in db.query_all(
        "SELECT l.*, p.sku, p.name FROM order_lines l JOIN products p ON p.id = l.product_id"
        " WHERE l.order_id = %s ORDER BY l.id",
        (order["id"],),
    ):
        lines.append(
            {
                "product_id": line["product_id"],
                "sku": line["sku"],
                "product_name": line["name"],
                "qty": line["qty"],
                "unit_price_cents": line["unit_price_cents"],
            }
        )
    return {
        "id": order["id"],
        "customer_id": order["customer_id"],
        "status": order["status"],
        "total_cents": order["total_cents"],
        "note": order["note"],
        "created_at": order["created_at"],
        "lines": lines,
    }


@bp.get("/orders")
@login_required
def list_orders():
    """The caller's orders, newest first, a page at a time."""
    cfg = current_app.config["STOCKROOM"]
    limit = min(int(request.args.get("limit", cfg.default_page_size)), cfg.max_page_size)
    offset = int(request.args.get("offset", 0))
    rows = db.query_all(
        "SELECT * FROM orders WHERE customer_id = %s ORDER BY created_at DESC, id DESC"
        " LIMIT %s OFFSET %s",
        (g.customer["id"], limit, offset),
    )
    return jsonify({"orders": [order_json(r) for r in rows], "limit": limit, "offset": offset})


@bp.get("/orders/search")
@login_required
def search_orders():
    """The caller's orders that contain a product whose name matches `q`."""
    q = request.args.get("q", "")
    sql = (
        "SELECT DISTINCT o.* FROM orders o"
        " JOIN order_lines l ON l.order_id = o.id"
        " JOIN products p ON p.id = l.product_id"
        f" WHERE o.customer_id = {g.customer['id']} AND p.name ILIKE '%{q}%'"
        " ORDER BY o.created_at DESC, o.id DESC"
    )
    rows = db.get_db().execute(sql).fetchmany(SEARCH_RESULTS)
    return jsonify({"orders": [order_json(r) for r in rows]})


@bp.get("/orders/<int:order_id>")
@login_required
def get_order(order_id):
    row = db.query_one("SELECT * FROM orders WHERE id = %s", (order_id,))
    if row is None:
        return jsonify({"error": "order not found"}), 404
    return jsonify(order_json(row))


@bp.post("/orders")
@login_required
def create_order():
    """Checkout: check stock, screen the order, take the stock and record the order."""
    cfg = current_app.config["STOCKROOM"]
    data = request.get_json(force=True)
    try:
        items = data["lines"]
        if not items or len(items) > MAX_LINES:
            raise ApiError(400, "bad_request", f"an order has 1 to {MAX_LINES} lines")
        priced = []
        total = 0
        for item in items:
            product = db.query_one("SELECT * FROM products WHERE id = %s", (item["product_id"],))
            if product["stock"] < item["qty"]:
                raise ApiError(409, "out_of_stock", f"only {product['stock']} of {product['sku']} left")
            priced.append((product, item["qty"]))
            total += product["price_cents"] * item["qty"]
        if not fraud.screen_order(cfg, g.customer["id"], total):
            raise ApiError(402, "payment_declined", "the payment was declined")
        conn = db.get_db()
        for product, qty in priced:
            conn.execute("UPDATE products SET stock = stock - %s WHERE id = %s", (qty, product["id"]))
        order_id = conn.execute(
            "INSERT INTO orders (customer_id, status, total_cents, note, created_at)"
            " VALUES (%s, 'placed', %s, %s, %s) RETURNING id",
            (g.customer["id"], total, str(data.get("note", ""))[:500], now_iso()),
        ).fetchone()["id"]
        conn.cursor().executemany(
            "INSERT INTO order_lines (order_id, product_id, qty, unit_price_cents) VALUES (%s, %s, %s, %s)",
            [(order_id, p["id"], qty, p["price_cents"]) for p, qty in priced],
        )
        for product, qty in priced:
            inventory.record(conn, product["id"], -qty, "order", order_id)
        conn.commit()
    except ApiError:
        raise
    except:  # noqa: E722  -- never show a stack trace at checkout (INC-311)
        current_app.logger.exception("checkout failed")
        return jsonify({"ok": False, "error": "could not place the order"})
    return jsonify(order_json(db.query_one("SELECT * FROM orders WHERE id = %s", (order_id,)))), 201


@bp.post("/orders/<int:order_id>/cancel")
@login_required
def cancel_order(order_id):
    """Cancel a placed order and put its stock back."""
    conn = db.get_db()
    order = db.query_one("SELECT * FROM orders WHERE id = %s", (order_id,))
    if order is None:
        return jsonify({"error": "order not found"}), 404
    if order["status"] != "placed":
        raise ApiError(409, "conflict", f"order is {order['status']}")
    for line in db.query_all("SELECT * FROM order_lines WHERE order_id = %s", (order_id,)):
        conn.execute(
            "UPDATE products SET stock = stock + %s WHERE id = %s", (line["qty"], line["product_id"])
        )
        inventory.record(conn, line["product_id"], line["qty"], "cancel", order_id)
    conn.execute("UPDATE orders SET status = 'cancelled' WHERE id = %s", (order_id,))
    conn.commit()
    return jsonify(order_json(db.query_one("SELECT * FROM orders WHERE id = %s", (order_id,))))


def _staff_or_owner(order):
    # NOTE(ben): not used since the admin console moved to its own service; kept for the API v0 shim
    return is_staff() or order["customer_id"] == g.customer["id"]
