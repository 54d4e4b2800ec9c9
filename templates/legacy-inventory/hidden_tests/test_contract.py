"""The rest of the contract in the brief, beyond the four tickets."""


def test_search_wildcards_match_literally(client, shop, staff, alice):
    """`%` and `_` in search text match those characters, not everything."""
    plain = shop.add_product(staff, stock=10, name="Plain washer")
    percent = shop.add_product(staff, stock=10, name="100% nylon washer")
    shop.place(alice, (plain["id"], 1))
    with_percent = shop.place(alice, (percent["id"], 1))
    for q in ("%", "0%"):
        found = client.get("/orders/search", params={"q": q}, headers=alice.headers).json()
        assert [o["id"] for o in found["orders"]] == [with_percent["id"]], q
    underscore = client.get("/orders/search", params={"q": "_"}, headers=alice.headers).json()
    assert underscore["orders"] == []


def test_login_and_register_with_bad_bodies_are_400(client, is_error):
    """Login and register with a missing field or a body that is not a JSON object answer 400, never 500."""
    for path in ("/auth/login", "/auth/register"):
        is_error(client.post(path, json={"email": "someone@example.com"}), 400)
        is_error(client.post(path, json={"password": "correct-horse-battery"}), 400)
        is_error(client.post(path, json={"email": 5, "password": "correct-horse-battery"}), 400)
        is_error(
            client.post(path, content="{oops", headers={"Content-Type": "application/json"}), 400
        )


def test_staff_endpoints_reject_bad_input_cleanly(client, staff, is_error):
    """Staff endpoints answer 400 for a bad body or threshold, never 500."""
    is_error(
        client.post(
            "/products",
            content="{oops",
            headers={**staff.headers, "Content-Type": "application/json"},
        ),
        400,
    )
    is_error(client.patch("/products/1", json=[1], headers=staff.headers), 400)
    is_error(
        client.get("/reports/low-stock", params={"threshold": "ten"}, headers=staff.headers), 400
    )


def test_missing_token_is_a_401_with_the_error_body(client, is_error):
    """Every customer endpoint answers 401 with the JSON error body without a valid token."""
    is_error(client.get("/orders"), 401)
    is_error(client.post("/orders", json={"lines": []}), 401)
    is_error(client.get("/orders/search", params={"q": "x"}), 401)
