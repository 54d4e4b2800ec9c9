import time
import uuid

ENDPOINTS = [
    ("GET", "/tasks"),
    ("POST", "/tasks"),
    ("GET", "/tasks/1"),
    ("PATCH", "/tasks/1"),
    ("DELETE", "/tasks/1"),
    ("GET", "/users/me"),
]


def test_requests_without_a_valid_token_get_401(client):
    """Requests with no Authorization header, or a malformed token, must get 401 (not 403 or 500)."""
    for method, path in ENDPOINTS:
        body = {"title": "x"} if method in {"POST", "PATCH"} else None
        for headers in ({}, {"Authorization": "Bearer not.a.jwt"}):
            response = client.request(method, path, json=body, headers=headers)
            assert response.status_code == 401, f"{method} {path} {headers}: {response.status_code}"


def test_token_signed_with_another_key_gets_401(client, alice, forge):
    """A token signed with a different key must be rejected with 401: verify the JWT signature."""
    claims = {"sub": str(alice.id), "exp": int(time.time()) + 600}
    token = forge(claims, b"not-the-server-key")
    response = client.get("/tasks", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_token_for_a_user_that_does_not_exist_gets_401(client, forge, service_key):
    """A well-signed, unexpired token that names a user who does not exist must get 401, not 500."""
    claims = {"sub": "987654321", "exp": int(time.time()) + 600}
    token = forge(claims, service_key)
    for path in ("/users/me", "/tasks"):
        response = client.get(path, headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401, f"GET {path}: {response.status_code}"


def test_unsigned_alg_none_token_gets_401(client, alice, forge):
    """A JWT with `alg: none` must be rejected with 401: accept only the algorithm you sign with."""
    token = forge({"sub": str(alice.id), "exp": int(time.time()) + 600}, b"", alg="none")
    response = client.get("/tasks", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_wrong_password_and_unknown_user_both_get_401(client, alice):
    """Login with a wrong password or an unknown username must answer 401 both times."""
    wrong = client.post("/auth/login", json={"username": alice.username, "password": "nope-nope"})
    unknown = client.post("/auth/login", json={"username": "nobody_here", "password": "nope-nope"})
    assert (wrong.status_code, unknown.status_code) == (401, 401)


def test_taken_username_gets_409(client, alice):
    """Registering a username that is already taken must answer 409 Conflict."""
    body = {"username": alice.username, "password": "another-password"}
    assert client.post("/auth/register", json=body).status_code == 409


def test_password_never_returned(client):
    """Registration and /users/me must never return the password or its hash."""
    body = {"username": "pw_" + uuid.uuid4().hex[:16], "password": "s3cret-pass"}
    created = client.post("/auth/register", json=body)
    login = client.post("/auth/login", json=body)
    me = client.get(
        "/users/me", headers={"Authorization": f"Bearer {login.json()['access_token']}"}
    )
    for response in (created, me):
        assert "s3cret-pass" not in response.text
        assert "password" not in response.text.lower()
