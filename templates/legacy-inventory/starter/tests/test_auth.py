from tests.conftest import PASSWORD


def test_register_returns_the_customer_without_secrets(client):
    response = client.post(
        "/auth/register", json={"email": "Ada@Example.com", "password": PASSWORD, "name": "Ada"}
    )
    assert response.status_code == 201
    body = response.get_json()
    assert body == {"id": body["id"], "email": "ada@example.com", "name": "Ada", "role": "customer"}
    assert isinstance(body["id"], int)


def test_register_without_a_name_uses_the_email(client):
    response = client.post(
        "/auth/register", json={"email": "grace@example.com", "password": PASSWORD}
    )
    assert response.get_json()["name"] == "grace"


def test_taken_email_is_409(client):
    body = {"email": "ada@example.com", "password": PASSWORD}
    assert client.post("/auth/register", json=body).status_code == 201
    again = client.post("/auth/register", json={**body, "email": "ADA@example.com"})
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "conflict"


def test_register_checks_email_and_password(client):
    short = client.post("/auth/register", json={"email": "a@example.com", "password": "1234567"})
    assert short.status_code == 400
    assert short.get_json()["error"]["code"] == "bad_request"
    exactly_8 = client.post(
        "/auth/register", json={"email": "b@example.com", "password": "12345678"}
    )
    assert exactly_8.status_code == 201
    no_at = client.post("/auth/register", json={"email": "nobody", "password": PASSWORD})
    assert no_at.status_code == 400


def test_login_returns_a_token_that_opens_me(shop, client):
    alice = shop.register("Alice")
    me = client.get("/me", headers=alice.headers)
    assert me.status_code == 200
    assert me.get_json() == {
        "id": alice.id,
        "email": alice.email,
        "name": "Alice",
        "role": "customer",
    }


def test_login_is_case_insensitive_on_the_email(shop, client):
    alice = shop.register()
    response = client.post("/auth/login", json={"email": alice.email.upper(), "password": PASSWORD})
    assert response.status_code == 200
    assert response.get_json()["customer"]["id"] == alice.id


def test_wrong_password_and_unknown_email_are_401(shop, client):
    alice = shop.register()
    wrong = client.post("/auth/login", json={"email": alice.email, "password": "not-the-password"})
    unknown = client.post("/auth/login", json={"email": "who@example.com", "password": PASSWORD})
    for response in (wrong, unknown):
        assert response.status_code == 401
        assert response.get_json()["error"] == {
            "code": "unauthorized",
            "message": "wrong email or password",
        }


def test_me_needs_a_valid_bearer_token(client, alice):
    assert client.get("/me").status_code == 401
    assert client.get("/me", headers={"Authorization": f"Token {alice.token}"}).status_code == 401
    assert client.get("/me", headers={"Authorization": "Bearer nope"}).status_code == 401
    assert client.get("/me", headers={"Authorization": "Bearer "}).status_code == 401
    assert client.get("/me", headers={"Authorization": f"bearer {alice.token}"}).status_code == 200
    assert client.get("/me").get_json()["error"]["code"] == "unauthorized"


def test_logout_ends_only_that_session(shop, client, alice):
    other_session = shop.login(alice.email, PASSWORD)
    assert client.post("/auth/logout", headers=alice.headers).status_code == 204
    assert client.get("/me", headers=alice.headers).status_code == 401
    assert client.get("/me", headers=other_session.headers).status_code == 200


def test_update_my_name(client, alice):
    response = client.patch("/me", json={"name": "  Alice L.  "}, headers=alice.headers)
    assert response.status_code == 200
    assert response.get_json()["name"] == "Alice L."
    assert client.get("/me", headers=alice.headers).get_json()["name"] == "Alice L."
    assert client.patch("/me", json={"name": "   "}, headers=alice.headers).status_code == 400
    assert client.patch("/me", json={"name": "x" * 101}, headers=alice.headers).status_code == 400
    assert client.patch("/me", json={"name": "x" * 100}, headers=alice.headers).status_code == 200


def test_staff_can_look_up_customers(client, staff, alice):
    response = client.get(f"/customers/{alice.id}", headers=staff.headers)
    assert response.status_code == 200
    assert response.get_json()["email"] == alice.email
    assert client.get("/customers/999999", headers=staff.headers).status_code == 404
    forbidden = client.get(f"/customers/{staff.id}", headers=alice.headers)
    assert forbidden.status_code == 403
    assert forbidden.get_json()["error"]["code"] == "forbidden"
    assert client.get(f"/customers/{alice.id}").status_code == 401
