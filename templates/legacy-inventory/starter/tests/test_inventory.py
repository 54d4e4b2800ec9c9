def ledger(client, staff, product_id, **params):
    response = client.get(
        f"/products/{product_id}/movements", query_string=params, headers=staff.headers
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def test_every_stock_change_is_in_the_ledger(client, shop, staff, alice):
    product = shop.add_product(staff, stock=10)
    order = shop.place(alice, (product["id"], 3), (product["id"], 2))
    client.post(f"/orders/{order['id']}/cancel", headers=alice.headers)
    client.patch(f"/products/{product['id']}", json={"stock": 25}, headers=staff.headers)
    body = ledger(client, staff, product["id"])
    assert body["product_id"] == product["id"]
    assert body["stock"] == 25
    assert body["ledger_total"] == 25
    moves = [(m["delta"], m["reason"], m["order_id"]) for m in body["movements"]]
    assert moves == [
        (15, "correction", None),
        (2, "cancel", order["id"]),
        (3, "cancel", order["id"]),
        (-2, "order", order["id"]),
        (-3, "order", order["id"]),
        (10, "initial", None),
    ]
    assert all(m["created_at"].endswith("Z") for m in body["movements"])


def test_changes_that_move_nothing_are_not_recorded(client, shop, staff):
    empty = shop.add_product(staff, stock=0)
    assert ledger(client, staff, empty["id"])["movements"] == []
    product = shop.add_product(staff, stock=4)
    client.patch(f"/products/{product['id']}", json={"stock": 4}, headers=staff.headers)
    client.patch(f"/products/{product['id']}", json={"name": "Renamed"}, headers=staff.headers)
    body = ledger(client, staff, product["id"])
    assert [(m["delta"], m["reason"]) for m in body["movements"]] == [(4, "initial")]
    client.patch(f"/products/{product['id']}", json={"stock": 1}, headers=staff.headers)
    assert ledger(client, staff, product["id"])["movements"][0]["delta"] == -3


def test_failed_orders_leave_no_trace_in_the_ledger(client, shop, staff, alice):
    product = shop.add_product(staff, stock=2)
    assert shop.order(alice, (product["id"], 3)).status_code == 409
    assert ledger(client, staff, product["id"])["ledger_total"] == 2


def test_the_ledger_pages_newest_first(client, shop, staff):
    product = shop.add_product(staff, stock=1)
    for stock in range(2, 60):
        client.patch(f"/products/{product['id']}", json={"stock": stock}, headers=staff.headers)
    body = ledger(client, staff, product["id"], limit=2)
    assert [m["delta"] for m in body["movements"]] == [1, 1]
    assert body["ledger_total"] == 59
    assert len(ledger(client, staff, product["id"])["movements"]) == 50
    assert len(ledger(client, staff, product["id"], limit=500)["movements"]) == 50
    assert len(ledger(client, staff, product["id"], limit=50)["movements"]) == 50


def test_the_ledger_is_for_staff(client, shop, staff, alice):
    product = shop.add_product(staff)
    assert (
        client.get(f"/products/{product['id']}/movements", headers=alice.headers).status_code == 403
    )
    missing = client.get("/products/999999/movements", headers=staff.headers)
    assert missing.status_code == 404
    assert missing.get_json()["error"]["code"] == "not_found"
