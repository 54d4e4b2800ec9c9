"""The catalogue: anyone logged in can browse it, staff manage it."""

from __future__ import annotations

from typing import Any

import psycopg
from flask import Blueprint, Response, current_app, jsonify, request

from app import db, inventory
from app.auth import login_required, now_iso, staff_required
from app.errors import ApiError, bad_request, int_arg, json_object, not_found

bp = Blueprint("products", __name__)
FIELDS: tuple[tuple[str, type], ...] = (
    ("sku", str),
    ("name", str),
    ("price_cents", int),
    ("stock", int),
)


def product_json(row: db.Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "sku": row["sku"],
        "name": row["name"],
        "price_cents": row["price_cents"],
        "stock": row["stock"],
    }


def _check_fields(data: dict[str, Any], *, partial: bool = False) -> None:
    for field, kind in FIELDS:
        if field not in data:
            if partial or field == "stock":
                continue
            raise bad_request(f"{field} is required")
        if not isinstance(data[field], kind) or isinstance(data[field], bool):
            raise bad_request(f"{field} must be a {kind.__name__}")
    if data.get("price_cents", 0) < 0 or data.get("stock", 0) < 0:
        raise bad_request("price_cents and stock cannot be negative")


def _product(product_id: int) -> db.Row:
    row = db.query_one("SELECT * FROM products WHERE id = %s", (product_id,))
    if row is None:
        raise not_found("product")
    return row


@bp.get("/products")
@login_required
def list_products() -> Response:
    cfg = current_app.config["STOCKROOM"]
    limit = int_arg("limit", cfg.default_page_size, 1, cfg.max_page_size)
    offset = int_arg("offset", 0, 0)
    q = request.args.get("q", "")
    rows = db.query_all(
        "SELECT * FROM products WHERE name ILIKE %s ORDER BY id LIMIT %s OFFSET %s",
        (f"%{q}%", limit, offset),
    )
    return jsonify({"products": [product_json(r) for r in rows], "limit": limit, "offset": offset})


@bp.get("/products/<int:product_id>")
@login_required
def get_product(product_id: int) -> Response:
    return jsonify(product_json(_product(product_id)))


@bp.post("/products")
@staff_required
def create_product() -> tuple[Response, int]:
    data = json_object()
    _check_fields(data)
    conn = db.get_db()
    try:
        product_id = db.new_id(
            conn.execute(
                "INSERT INTO products (sku, name, price_cents, stock, created_at)"
                " VALUES (%s, %s, %s, %s, %s) RETURNING id",
                (data["sku"], data["name"], data["price_cents"], data.get("stock", 0), now_iso()),
            )
        )
    except psycopg.errors.UniqueViolation:
        raise ApiError(409, "conflict", "a product with this sku exists") from None
    inventory.record(conn, product_id, data.get("stock", 0), "initial")
    conn.commit()
    return jsonify(product_json(_product(product_id))), 201


@bp.patch("/products/<int:product_id>")
@staff_required
def update_product(product_id: int) -> Response:
    data = json_object()
    _check_fields(data, partial=True)
    _product(product_id)
    conn = db.get_db()
    if "stock" in data:
        # The row stays locked until commit: the delta computed from the current stock cannot
        # go stale (a checkout in between) before the UPDATE below.
        conn.execute("SELECT 1 FROM products WHERE id = %s FOR UPDATE", (product_id,))
        conn.execute(
            "INSERT INTO stock_movements (product_id, delta, reason, created_at)"
            " SELECT id, %s - stock, 'correction', %s FROM products WHERE id = %s AND stock != %s",
            (data["stock"], now_iso(), product_id, data["stock"]),
        )
    # COALESCE keeps what the body leaves out, without a read-then-write race with checkout.
    conn.execute(
        "UPDATE products SET name = COALESCE(%s, name), price_cents = COALESCE(%s, price_cents),"
        " stock = COALESCE(%s, stock) WHERE id = %s",
        (data.get("name"), data.get("price_cents"), data.get("stock"), product_id),
    )
    conn.commit()
    return jsonify(product_json(_product(product_id)))
