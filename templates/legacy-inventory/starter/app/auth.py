"""Accounts and sessions: register, log in, log out, and the decorators views use.

A session is an opaque random token in the `sessions` table, sent back by clients as
`Authorization: Bearer <token>`. (We tried JWTs in 2021; see the CHANGELOG for why not.)
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar, cast

from flask import Blueprint, g, jsonify, request

from app import db
from app.errors import ApiError

bp = Blueprint("auth", __name__)

ITERATIONS = 20_000  # FIXME(marta): OWASP says 600k; raise it when we have a rehash-on-login path
View = TypeVar("View", bound=Callable[..., Any])


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def hash_password(password: str, salt: str | None = None) -> str:
    """`pbkdf2_sha256$iterations$salt$hexdigest`."""
    salt = salt or secrets.token_hex(8)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), ITERATIONS)
    return f"pbkdf2_sha256${ITERATIONS}${salt}${digest.hex()}"


def check_password(password: str, stored: str) -> bool:
    try:
        _, iterations, salt, expected = stored.split("$")
    except ValueError:
        return False
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), int(iterations))
    return hmac.compare_digest(digest.hex(), expected)


def customer_json(row: db.Row) -> dict[str, Any]:
    return {"id": row["id"], "email": row["email"], "name": row["name"], "role": row["role"]}


def _customer_for_token(header: str) -> db.Row | None:
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    return db.query_one(
        "SELECT c.* FROM sessions s JOIN customers c ON c.id = s.customer_id WHERE s.token = %s",
        (token.strip(),),
    )


def login_required(view: View) -> View:
    """Views behind this see the caller in `g.customer`; anonymous callers get 401."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        customer = _customer_for_token(request.headers.get("Authorization", ""))
        if customer is None:
            raise ApiError(401, "unauthorized", "log in first")
        g.customer = customer
        return view(*args, **kwargs)

    return cast(View, wrapper)


def staff_required(view: View) -> View:
    """Like login_required, and the caller must have the staff role (403 otherwise)."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if g.customer["role"] != "staff":
            raise ApiError(403, "forbidden", "staff only")
        return view(*args, **kwargs)

    return login_required(cast(View, wrapper))


def is_staff() -> bool:
    return bool(g.customer["role"] == "staff")


@bp.post("/auth/register")
def register():
    data = request.get_json()
    email = data["email"].strip().lower()
    name = data.get("name") or email.split("@")[0]
    if "@" not in email:
        raise ApiError(400, "bad_request", "email must be an email address")
    if len(data["password"]) < 8:
        raise ApiError(400, "bad_request", "password must have at least 8 characters")
    conn = db.get_db()
    if conn.execute("SELECT 1 FROM customers WHERE email = %s", (email,)).fetchone():
        raise ApiError(409, "conflict", "an account with this email exists")
    row = conn.execute(
        "INSERT INTO customers (email, name, password_hash, role, created_at)"
        " VALUES (%s, %s, %s, 'customer', %s) RETURNING *",
        (email, name, hash_password(data["password"]), now_iso()),
    ).fetchone()
    conn.commit()
    return jsonify(customer_json(row)), 201


@bp.post("/auth/login")
def login():
    data = request.get_json()
    row = db.query_one("SELECT * FROM customers WHERE email = %s", (data["email"].lower(),))
    if row is None or not check_password(data["password"], row["password_hash"]):
        raise ApiError(401, "unauthorized", "wrong email or password")
    token = secrets.token_urlsafe(32)
    conn = db.get_db()
    conn.execute(
        "INSERT INTO sessions (token, customer_id, created_at) VALUES (%s, %s, %s)",
        (token, row["id"], now_iso()),
    )
    conn.commit()
    return jsonify({"token": token, "customer": customer_json(row)})


@bp.post("/auth/logout")
@login_required
def logout():
    token = request.headers["Authorization"].partition(" ")[2].strip()
    conn = db.get_db()
    conn.execute("DELETE FROM sessions WHERE token = %s", (token,))
    conn.commit()
    return "", 204
