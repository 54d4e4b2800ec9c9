"""The caller's own account."""

from __future__ import annotations

from flask import Blueprint, Response, g, jsonify

from app import db
from app.auth import customer_json, login_required, staff_required
from app.errors import ApiError, json_object, not_found

bp = Blueprint("customers", __name__)


@bp.get("/me")
@login_required
def me() -> Response:
    return jsonify(customer_json(g.customer))


@bp.patch("/me")
@login_required
def update_me() -> Response:
    name = str(json_object().get("name", "")).strip()
    if not name or len(name) > 100:
        raise ApiError(400, "bad_request", "name must be 1 to 100 characters")
    conn = db.get_db()
    conn.execute("UPDATE customers SET name = %s WHERE id = %s", (name, g.customer["id"]))
    conn.commit()
    return jsonify({**customer_json(g.customer), "name": name})


@bp.get("/customers/<int:customer_id>")
@staff_required
def get_customer(customer_id: int) -> Response:
    row = db.query_one("SELECT * FROM customers WHERE id = %s", (customer_id,))
    if row is None:
        raise not_found("customer")
    return jsonify(customer_json(row))
