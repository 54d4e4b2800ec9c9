def test_malformed_json_at_checkout_is_a_400(client, alice, is_error):
    """Checkout with a body that is not JSON (or not an object) answers 400 with the JSON error body."""
    headers = {**alice.headers, "Content-Type": "application/json"}
    for body in ("{not json", "[1, 2]", '"lines"', "null"):
        is_error(client.post("/orders", content=body, headers=headers), 400)


def test_checkout_without_lines_is_a_400(client, alice, is_error):
    """Checkout without `lines`, or with lines that are not a list of objects, answers 400."""
    for body in (
        {},
        {"lines": "all of them"},
        {"lines": [5]},
        {"lines": [{"qty": 1}]},
        {"lines": None},
    ):
        is_error(client.post("/orders", json=body, headers=alice.headers), 400)


def test_quantity_must_be_a_positive_integer(client, shop, staff, alice, is_error):
    """`qty` must be a whole number from 1 up (0, -3, "2", 1.5, true are 400) and a bad line takes no stock."""
    product = shop.add_product(staff, stock=10)
    for qty in (0, -3, "2", 1.5, True, None):
        body = {"lines": [{"product_id": product["id"], "qty": qty}]}
        is_error(client.post("/orders", json=body, headers=alice.headers), 400)
    assert shop.stock(staff, product["id"]) == 10


def test_unknown_product_at_checkout_is_a_400(client, shop, staff, alice, is_error):
    """An order for a product that does not exist answers 400 with the JSON error body, never 200 or 500."""
    product = shop.add_product(staff, stock=10)
    is_error(shop.order(alice, (product["id"], 1), (987_654_321, 1)), 400)
    body = {"lines": [{"product_id": "1", "qty": 1}]}
    is_error(client.post("/orders", json=body, headers=alice.headers), 400)
    assert shop.stock(staff, product["id"]) == 10


def test_failed_checkout_is_never_a_200(client, alice):
    """No failed checkout answers 200: errors use 4xx (or 5xx) statuses, not an error message in a 200."""
    for body in (
        {"lines": [{"product_id": 987_654_321, "qty": 1}]},
        {"lines": [{"product_id": 1}]},
        [],
    ):
        response = client.post("/orders", json=body, headers=alice.headers)
        assert response.status_code >= 400, (
            f"{body!r}: {response.status_code} {response.text[:200]}"
        )


def test_unknown_order_and_product_are_404_with_the_error_body(client, alice, is_error):
    """GET /orders/<id> and GET /products/<id> for ids that do not exist answer 404 with the JSON error body."""
    is_error(client.get("/orders/987654321", headers=alice.headers), 404)
    is_error(client.get("/products/987654321", headers=alice.headers), 404)
    is_error(client.post("/orders/987654321/cancel", headers=alice.headers), 404)


def test_unknown_paths_and_methods_answer_json(client, alice, is_error):
    """An unknown path is a 404 and a wrong method a 405, both with the JSON error body."""
    is_error(client.get("/no-such-page", headers=alice.headers), 404)
    is_error(client.get("/orders/not-a-number", headers=alice.headers), 404)
    is_error(client.delete("/orders", headers=alice.headers), 405)


def test_bad_paging_parameters_are_400(client, alice, is_error):
    """`limit` must be an integer from 1 (larger values are capped at 100) and `offset` from 0: anything else is a 400."""
    for params in (
        {"limit": "abc"},
        {"limit": "0"},
        {"limit": "-1"},
        {"offset": "-1"},
        {"offset": "x"},
    ):
        is_error(client.get("/orders", params=params, headers=alice.headers), 400)
        is_error(client.get("/products", params=params, headers=alice.headers), 400)
    assert client.get("/orders", params={"limit": "1"}, headers=alice.headers).status_code == 200
