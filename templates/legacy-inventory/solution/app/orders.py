"""Orders: what the shop front's "My orders" page and the checkout call.

An order has lines; each line is a product, a quantity and the unit price at the time of the
order (prices change, old orders must not). Customers see only their own orders; staff see
all of them. Someone else's order answers 404, exactly like one that does not exist.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from flask import Blueprint, Response, current_app, g, jsonify, request

from app import db, fraud, inventory
from app.auth import is_staff, login_required, now_iso
from app.errors import ApiError, bad_request, int_arg, json_object, not_found

bp = Blueprint("orders", __name__)

MAX_LINES = 20
MAX_QTY = 1000
SEARCH_RESULTS = 50


def _lines_by_order(order_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Every line of these orders with its product, in one query."""
    lines: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if not order_ids:
        return lines
    rows = db.query_all(
        "SELECT l.order_id, l.product_id, p.sku, p.name, l.qty, l.unit_price_cents"
        " FROM order_lines l JOIN products p ON p.id = l.product_id"
        " WHERE l.order_id = ANY(%s) ORDER BY l.id",
        (order_ids,),
    )
    for row in rows:
        lines[row["order_id"]].append(
            {
                "product_id": row["product_id"],
                "sku": row["sku"],
                "product_name": row["name"],
                "qty": row["qty"],
                "unit_price_cents": row["unit_price_cents"],
            }
        )
    return lines


def orders_json(orders: list[db.Row]) -> list[dict[str, Any]]:
    lines = _lines_by_order([order["id"] for order in orders])
    return [
        {
            "id": order["id"],
            "customer_id": order["customer_id"],
            "status": order["status"],
            "total_cents": order["total_cents"],
            "note": order["note"],
            "created_at": order["created_at"],
            "lines": lines[order["id"]],
        }
        for order in orders
    ]


def _visible_order(order_id: int) -> db.Row:
    """The order, if the caller may see it (owner or staff); 404 otherwise."""
    row = db.query_one("SELECT * FROM orders WHERE id = %s", (order_id,))
    if row is None or not (is_staff() or row["customer_id"] == g.customer["id"]):
        raise not_found("order")
    return row


def _one_order(order_id: int | None) -> Response:
    """The order just written, as the API shows it."""
    rows = db.query_all("SELECT * FROM orders WHERE id = %s", (order_id,))
    return jsonify(orders_json(rows)[0])


@bp.get("/orders")
@login_required
def list_orders() -> Response:
    """The caller's orders, newest first, a page at a time."""
    cfg = current_app.config["STOCKROOM"]
    limit = int_arg("limit", cfg.default_page_size, 1, cfg.max_page_size)
    offset = int_arg("offset", 0, 0)
    rows = db.query_all(
        "SELECT * FROM orders WHERE customer_id = %s ORDER BY created_at DESC, id DESC"
        " LIMIT %s OFFSET %s",
        (g.customer["id"], limit, offset),
    )
    return jsonify({"orders": orders_json(rows), "limit": limit, "offset": offset})


@bp.get("/orders/search")
@login_required
def search_orders() -> Response:
    """The caller's orders that contain a product whose name matches `q`."""
    q = request.args.get("q", "")
    pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    rows = db.query_all(
        "SELECT * FROM orders o WHERE o.customer_id = %s AND EXISTS ("
        " SELECT 1 FROM order_lines l JOIN products p ON p.id = l.product_id"
        " WHERE l.order_id = o.id AND p.name ILIKE %s ESCAPE '\\')"
        " ORDER BY o.created_at DESC, o.id DESC LIMIT %s",
        (g.customer["id"], pattern, SEARCH_RESULTS),
    )
    return jsonify({"orders": orders_json(rows)})


@bp.get("/orders/<int:order_id>")
@login_required
def get_order(order_id: int) -> Response:
    return jsonify(orders_json([_visible_order(order_id)])[0])


def _requested_lines(data: dict[str, Any]) -> list[tuple[int, int]]:
    """(product_id, qty) pairs from the body, or a 400 that says what is wrong."""
    items = data.get("lines")
    if not isinstance(items, list) or not 1 <= len(items) <= MAX_LINES:
        raise bad_request(f"lines must be a list of 1 to {MAX_LINES} lines")
    wanted = []
    for item in items:
        if not isinstance(item, dict):
            raise bad_request("each line is an object with product_id and qty")
        product_id, qty = item.get("product_id"), item.get("qty")
        if type(product_id) is not int or type(qty) is not int:
            raise bad_request("product_id and qty must be integers")
        if not 1 <= qty <= MAX_QTY:
            raise bad_request(f"qty must be 1 to {MAX_QTY}")
        wanted.append((product_id, qty))
    return wanted


def _price(wanted: list[tuple[int, int]]) -> list[tuple[db.Row, int]]:
    priced = []
    for product_id, qty in wanted:
        product = db.query_one("SELECT * FROM products WHERE id = %s", (product_id,))
        if product is None:
            raise bad_request(f"product {product_id} does not exist")
        priced.append((product, qty))
    return priced


def _take_stock(conn: db.Connection, priced: list[tuple[db.Row, int]]) -> None:
    """Decrement every line's stock in the open transaction, or raise 409 (caller rolls back).

    Each UPDATE takes its product's row lock until commit and checks the stock it finds once
    it holds it; products are taken in id order, so two checkouts wait for each other and
    never deadlock."""
    for product, qty in sorted(priced, key=lambda line: int(line[0]["id"])):
        taken = conn.execute(
            "UPDATE products SET stock = stock - %s WHERE id = %s AND stock >= %s",
            (qty, product["id"], qty),
        )
        if taken.rowcount != 1:
            raise ApiError(409, "out_of_stock", f"not enough {product['sku']} left")


@bp.post("/orders")
@login_required
def create_order() -> tuple[Response, int]:
    """Checkout: screen the order, then take the stock and record it in one transaction."""
    data = json_object()
    priced = _price(_requested_lines(data))
    total = sum(product["price_cents"] * qty for product, qty in priced)
    fraud.screen_order(current_app.config["STOCKROOM"])
    conn = db.get_db()
    try:
        _take_stock(conn, priced)
        order_id = db.new_id(
            conn.execute(
                "INSERT INTO orders (customer_id, status, total_cents, note, created_at)"
                " VALUES (%s, 'placed', %s, %s, %s) RETURNING id",
                (g.customer["id"], total, str(data.get("note", ""))[:500], now_iso()),
            )
        )
        conn.cursor().executemany(
            "INSERT INTO order_lines (order_id, product_id, qty, unit_price_cents)"
            " VALUES (%s, %s, %s, %s)",
            [(order_id, p["id"], qty, p["price_cents"]) for p, qty in priced],
        )
        for product, qty in priced:
            inventory.record(conn, product["id"], -qty, "order", order_id)
        conn.commit()
    except BaseException:
        conn.rollback()
        raise
    return _one_order(order_id), 201


@bp.post("/orders/<int:order_id>/cancel")
@login_required
def cancel_order(order_id: int) -> Response:
    """Cancel a placed order and put its stock back, once."""
    order = _visible_order(order_id)
    conn = db.get_db()
    try:
        cancelled = conn.execute(
            "UPDATE orders SET status = 'cancelled' WHERE id = %s AND status = 'placed'",
            (order_id,),
        )
        if cancelled.rowcount != 1:
            raise ApiError(409, "conflict", f"order is {order['status']}")
        conn.execute(
            "UPDATE products SET stock = stock + ("
            " SELECT SUM(l.qty) FROM order_lines l"
            " WHERE l.order_id = %s AND l.product_id = products.id)"
            " WHERE id IN (SELECT product_id FROM order_lines WHERE order_id = %s)",
            (order_id, order_id),
        )
        conn.execute(
            "INSERT INTO stock_movements (product_id, delta, reason, order_id, created_at)"
            " SELECT product_id, qty, 'cancel', order_id, %s FROM order_lines WHERE order_id = %s"
            " ORDER BY id",
            (now_iso(), order_id),
        )
        conn.commit()
    except BaseException:
        conn.rollback()
        raise
    return _one_order(order_id)
