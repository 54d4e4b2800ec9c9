def test_other_customers_order_is_404(client, shop, staff, alice, bob, is_error):
    """A customer asking for another customer's order by id gets 404, exactly like an order that does not exist."""
    product = shop.add_product(staff, stock=10)
    order = shop.place(alice, (product["id"], 1))
    is_error(client.get(f"/orders/{order['id']}", headers=bob.headers), 404)
    assert client.get(f"/orders/{order['id']}", headers=alice.headers).status_code == 200


def test_seeded_orders_of_others_are_404(client, alice, is_error):
    """Orders placed by the seeded customers are not visible to a new customer (404)."""
    for order_id in (1, 2, 500, 12_345):
        is_error(client.get(f"/orders/{order_id}", headers=alice.headers), 404)


def test_other_customer_cannot_cancel_my_order(client, shop, staff, alice, bob, is_error):
    """Cancelling someone else's order is a 404 and leaves the order placed and the stock taken."""
    product = shop.add_product(staff, stock=10)
    order = shop.place(alice, (product["id"], 4))
    is_error(client.post(f"/orders/{order['id']}/cancel", headers=bob.headers), 404)
    assert client.get(f"/orders/{order['id']}", headers=alice.headers).json()["status"] == "placed"
    assert shop.stock(staff, product["id"]) == 6


def test_staff_can_read_and_cancel_any_order(client, shop, staff, alice):
    """Staff may read and cancel any customer's order."""
    product = shop.add_product(staff, stock=10)
    order = shop.place(alice, (product["id"], 2))
    read = client.get(f"/orders/{order['id']}", headers=staff.headers)
    assert read.status_code == 200
    assert read.json()["customer_id"] == alice.id
    cancelled = client.post(f"/orders/{order['id']}/cancel", headers=staff.headers)
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    assert shop.stock(staff, product["id"]) == 10


def test_search_with_a_quote_in_the_text(client, shop, staff, alice):
    """Searching my orders for a name with a quote (O'Brien's) answers 200 with my matching orders, never a 500."""
    quoted = shop.add_product(staff, stock=10, name="O'Brien's hinge")
    order = shop.place(alice, (quoted["id"], 1))
    response = client.get("/orders/search", params={"q": "O'Brien"}, headers=alice.headers)
    assert response.status_code == 200, response.text[:200]
    assert [o["id"] for o in response.json()["orders"]] == [order["id"]]


def test_search_cannot_be_tricked_into_showing_other_customers_orders(client, shop, staff, alice):
    """Search text is data, never SQL: `' OR 1=1 --` and friends return none of other customers' orders."""
    product = shop.add_product(staff, stock=10)
    mine = shop.place(alice, (product["id"], 1))
    tricks = ["' OR 1=1 --", "%' OR '1'='1", "') OR 1=1 --", "x' UNION SELECT * FROM orders --"]
    for trick in tricks:
        response = client.get("/orders/search", params={"q": trick}, headers=alice.headers)
        assert response.status_code in {200, 400}, f"{trick!r}: {response.status_code}"
        if response.status_code == 200:
            owners = {o["customer_id"] for o in response.json()["orders"]}
            assert owners <= {alice.id}, (
                f"{trick!r} showed orders of customers {owners - {alice.id}}"
            )
    everything = client.get("/orders/search", params={"q": ""}, headers=alice.headers)
    assert [o["id"] for o in everything.json()["orders"]] == [mine["id"]]
