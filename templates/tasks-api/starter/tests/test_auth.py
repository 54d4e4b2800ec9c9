def test_register_login_and_me(client):
    body = {"username": "ada_lovelace", "password": "analytical-engine"}
    created = client.post("/auth/register", json=body)
    assert created.status_code == 201
    assert "password" not in created.text
    token = client.post("/auth/login", json=body).json()["access_token"]
    me = client.get("/users/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json() == {"id": created.json()["id"], "username": "ada_lovelace", "role": "user"}


def test_wrong_password_is_401(client):
    body = {"username": "grace_hopper", "password": "cobol-forever"}
    client.post("/auth/register", json=body)
    response = client.post("/auth/login", json={**body, "password": "fortran-forever"})
    assert response.status_code == 401


def test_tasks_need_a_token(client):
    assert client.get("/tasks").status_code == 401
    assert client.post("/tasks", json={"title": "x"}).status_code == 401


def test_taken_username_is_409(client):
    body = {"username": "linus", "password": "penguins-rule"}
    assert client.post("/auth/register", json=body).status_code == 201
    assert client.post("/auth/register", json=body).status_code == 409
