from tests.conftest import PASSWORD


def test_login_returns_a_token_for_me(client):
    response = client.post("/auth/login", json={"username": "user001", "password": PASSWORD})
    assert response.status_code == 200
    token = response.json()["access_token"]
    me = client.get("/users/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert me.json()["username"] == "user001"
    assert me.json()["role"] == "user"
    assert "password_hash" not in me.json()


def test_wrong_password_and_unknown_user_are_401(client):
    for username, password in [("user001", "not-the-password"), ("nobody", PASSWORD)]:
        response = client.post("/auth/login", json={"username": username, "password": password})
        assert response.status_code == 401, username


def test_bookings_need_a_token(client):
    assert client.get("/bookings/1").status_code == 401
    assert client.get("/users/1/bookings").status_code == 401
    headers = {"Authorization": "Bearer not-a-token"}
    assert client.get("/rooms", headers=headers).status_code == 401
