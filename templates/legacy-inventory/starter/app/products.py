"""The catalogue: anyone logged in can browse it, staff manage it."""

from __future__ import annotations

from typing import Any

import psycopg
from flask import Blueprint, current_app, jsonify, request

from app import db, inventory
from app.auth import login_required, now_iso, staff_required
from app.errors import ApiError, bad_request

bp = Blueprint("products", __name__)


def product_json(row: db.Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "sku": row["sku"],
        "name": row["name"],
        "price_cents": row["price_cents"],
        "stock": row["stock"],
    }


def _check_fields(data: dict, partial=False):
    # TODO(dmitri): this grew by accretion, a schema library would be nicer
    for field, kind in (("sku", str), ("name", str), ("price_cents", int), ("stock", int)):
        if field not in data:
            if partial or field == "stock":
                continue
            raise bad_request(f"{field} is required")
        if not isinstance(data[field], kind) or isinstance(data[field], bool):
            raise bad_request(f"{field} must be a {kind.__name__}")
    if data.get("price_cents", 0) < 0 or data.get("stock", 0) < 0:
        raise bad_request("price_cents and stock cannot be negative")


@bp.get("/products")
@login_required
def list_products():
    cfg = current_app.config["STOCKROOM"]
    limit = min(int(request.args.get("limit", cfg.default_page_size)), cfg.max_page_size)
    offset = int(request.args.get("offset", 0))
    q = request.args.get("q", "")
    rows = db.query_all(
        "SELECT * FROM products WHERE name ILIKE %s ORDER BY id LIMIT %s OFFSET %s",
        (f"%{q}%", limit, offset),
    )
    return jsonify({"products": [product_json(r) for r in rows], "limit": limit, "offset": offset})


@bp.get("/products/<int:product_id>")
@login_required
def get_product(product_id):
    row = db.query_one("SELECT * FROM products WHERE id = %s", (product_id,))
    if not row:
        return jsonify({"error": "no such product"}), 404
    return jsonify(product_json(row))


@bp.post("/products")
@staff_required
def create_product():
    data = request.get_json()
    _check_fields(data)
    conn = db.get_db()
    try:
        row = conn.execute(
            "INSERT INTO products (sku, name, price_cents, stock, created_at) VALUES (%s, %s, %s, %s, %s)"
            " RETURNING *",
            (data["sku"], data["name"], data["price_cents"], data.get("stock", 0), now_iso()),
        ).fetchone()
    except psycopg.errors.UniqueViolation:
        raise ApiError(409, "conflict", "a product with this sku exists")
    inventory.record(conn, row["id"], data.get("stock", 0), "initial")
    conn.commit()
    return jsonify(product_json(row)), 201


@bp.patch("/products/<int:product_id>")
@staff_required
def update_product(product_id):
    data = request.get_json()
    _check_fields(data, partial=True)
    conn = db.get_db()
    row = db.query_one("SELECT * FROM products WHERE id = %s", (product_id,))
    if not row:
        return jsonify({"error": "no such product"}), 404
    if "stock" in data:
        inventory.record(conn, product_id, data["stock"] - row["stock"], "correction")
    for field in ("name", "price_cents", "stock"):
        if field in data:
            # field comes from the tuple above, never from the request
            conn.execute(f"UPDATE products SET {field} = %s WHERE id = %s", (data[field], product_id))
    conn.commit()
    return jsonify(product_json(db.query_one("SELECT * FROM products WHERE id = %s", (product_id,))))
