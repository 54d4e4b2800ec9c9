"""Regression tests for the tickets fixed here: each pins the behaviour a ticket asked for,
so the bug cannot come back unnoticed."""

from typing import Any


def _order_of(shop: Any, staff: Any, who: Any) -> dict[str, Any]:
    product = shop.add_product(staff, stock=5)
    order: dict[str, Any] = shop.place(who, (product["id"], 1))
    return order


# SUP-88: orders belong to their customer.


def test_someone_elses_order_is_404_like_a_missing_one(client, shop, staff, alice, bob):
    order = _order_of(shop, staff, alice)
    theirs = client.get(f"/orders/{order['id']}", headers=bob.headers)
    missing = client.get("/orders/999999", headers=bob.headers)
    assert theirs.status_code == missing.status_code == 404
    assert theirs.get_json()["error"]["code"] == "not_found"


def test_the_owner_and_staff_read_an_order(client, shop, staff, alice):
    order = _order_of(shop, staff, alice)
    assert client.get(f"/orders/{order['id']}", headers=alice.headers).status_code == 200
    assert client.get(f"/orders/{order['id']}", headers=staff.headers).status_code == 200


def test_nobody_cancels_someone_elses_order(client, shop, staff, alice, bob):
    order = _order_of(shop, staff, alice)
    cancel = client.post(f"/orders/{order['id']}/cancel", headers=bob.headers)
    assert cancel.status_code == 404
    mine = client.get(f"/orders/{order['id']}", headers=alice.headers).get_json()
    assert mine["status"] == "placed"


def test_search_takes_wildcards_literally(client, shop, staff, alice):
    plain = shop.add_product(staff, name="Plain bolt")
    odd = shop.add_product(staff, name="100% cotton_bag")
    shop.place(alice, (plain["id"], 1))
    shop.place(alice, (odd["id"], 1))
    for q, names in (("%", ["100% cotton_bag"]), ("_", ["100% cotton_bag"]), ("O'B", [])):
        found = client.get("/orders/search", query_string={"q": q}, headers=alice.headers)
        assert found.status_code == 200
        shown = [line["product_name"] for o in found.get_json()["orders"] for line in o["lines"]]
        assert shown == names, q


# SHOP-1533: every error is a JSON error with the contract's status.


def test_quantity_must_be_at_least_one(shop, staff, alice):
    product = shop.add_product(staff, stock=5)
    for qty in (0, -3):
        response = shop.order(alice, (product["id"], qty))
        assert response.status_code == 400, qty
        assert response.get_json()["error"]["code"] == "bad_request"
    assert shop.stock(alice, product["id"]) == 5


def test_unknown_product_at_checkout_is_a_400(shop, alice):
    response = shop.order(alice, (999999, 1))
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_request"


# Paging, as the contract says.


def test_bad_paging_parameters_are_400(client, alice):
    for query in ({"limit": "0"}, {"limit": "-1"}, {"offset": "-1"}, {"limit": "ten"}):
        response = client.get("/orders", query_string=query, headers=alice.headers)
        assert response.status_code == 400, query
        assert response.get_json()["error"]["code"] == "bad_request"
