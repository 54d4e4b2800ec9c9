"""Who may call the API at all."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import time


def test_login_gives_a_bearer_token(client):
    """POST /auth/login with a seeded user's password answers 200 with access_token and token_type bearer."""
    password = os.environ.get("SEED_PASSWORD", "seed-password")
    response = client.post("/auth/login", json={"username": "user038", "password": password})
    assert response.status_code == 200
    assert response.json()["token_type"] == "bearer"
    assert response.json()["expires_in"] > 0


def test_wrong_password_or_unknown_user_is_401(client):
    """A wrong password and an unknown username both answer 401."""
    for username in ["user038", "nobody_here"]:
        response = client.post(
            "/auth/login", json={"username": username, "password": "wrong-password"}
        )
        assert response.status_code == 401, username


def test_every_booking_endpoint_needs_a_token(client, alice):
    """Without a bearer token, every bookings endpoint answers 401."""
    calls = [
        ("POST", "/bookings"),
        ("GET", "/bookings/1"),
        ("DELETE", "/bookings/1"),
        (
            "GET",
            f"/users/{alice.id}/bookings",
        ),
        ("GET", "/rooms"),
    ]
    for method, path in calls:
        assert client.request(method, path).status_code == 401, f"{method} {path}"


def test_forged_token_is_401(client, alice):
    """A token whose payload was edited (another user's id) or that is not a JWT answers 401."""
    header, payload, signature = alice.token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = "1"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    for token in [f"{header}.{forged}.{signature}", "garbage"]:
        response = client.get("/users/me", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401


def test_rooms_are_listed(client, alice):
    """GET /rooms lists the 20 seeded rooms with id, name and capacity, by id."""
    rooms = client.get("/rooms", headers=alice.headers).json()
    assert [room["id"] for room in rooms] == list(range(1, 21))
    assert all(room["name"] and room["capacity"] > 0 for room in rooms)


def test_a_valid_token_for_a_user_that_does_not_exist_is_401(client):
    """A correctly signed, unexpired token whose `sub` names no user must be a 401, not a 500."""
    secret = os.environ.get("JWT_SECRET", "grading-only-signing-key-not-used-anywhere-else")

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).decode().rstrip("=")

    header = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    claims = b64(json.dumps({"sub": "987654", "exp": int(time.time()) + 600}).encode())
    signature = hmac.new(secret.encode(), f"{header}.{claims}".encode(), hashlib.sha256).digest()
    token = f"{header}.{claims}.{b64(signature)}"
    response = client.get("/users/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
