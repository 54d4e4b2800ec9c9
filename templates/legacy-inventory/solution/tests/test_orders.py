import json

from app import db


def test_place_an_order(shop, staff, alice):
    bolt = shop.add_product(staff, stock=10, price_cents=250)
    nut = shop.add_product(staff, stock=5, price_cents=40)
    response = shop.order(alice, (bolt["id"], 3), (nut["id"], 5), note="leave at the door")
    assert response.status_code == 201
    order = response.get_json()
    assert order == {
        "id": order["id"],
        "customer_id": alice.id,
        "status": "placed",
        "total_cents": 3 * 250 + 5 * 40,
        "note": "leave at the door",
        "created_at": order["created_at"],
        "lines": [
            {
                "product_id": bolt["id"],
                "sku": bolt["sku"],
                "product_name": bolt["name"],
                "qty": 3,
                "unit_price_cents": 250,
            },
            {
                "product_id": nut["id"],
                "sku": nut["sku"],
                "product_name": nut["name"],
                "qty": 5,
                "unit_price_cents": 40,
            },
        ],
    }
    assert order["created_at"].endswith("Z")
    assert shop.stock(alice, bolt["id"]) == 7
    assert shop.stock(alice, nut["id"]) == 0


def test_checkout_accepts_json_without_a_content_type(client, shop, staff, alice):
    """The 2023 mobile app sends checkout bodies without a Content-Type header."""
    product = shop.add_product(staff)
    body = json.dumps({"lines": [{"product_id": product["id"], "qty": 2}]})
    response = client.post("/orders", data=body, headers=alice.headers)
    assert response.status_code == 201
    assert response.get_json()["lines"][0]["qty"] == 2


def test_notes_are_optional_and_capped(shop, staff, alice):
    product = shop.add_product(staff)
    assert shop.place(alice, (product["id"], 1))["note"] == ""
    long_note = shop.order(alice, (product["id"], 1), note="n" * 600).get_json()["note"]
    assert long_note == "n" * 500


def test_out_of_stock_is_409_and_takes_nothing(shop, staff, alice):
    product = shop.add_product(staff, stock=2)
    response = shop.order(alice, (product["id"], 3))
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "out_of_stock"
    assert shop.stock(alice, product["id"]) == 2
    assert shop.order(alice, (product["id"], 2)).status_code == 201
    assert shop.stock(alice, product["id"]) == 0
    assert shop.order(alice, (product["id"], 1)).status_code == 409


def test_one_short_line_fails_the_whole_order(client, shop, staff, alice):
    plenty = shop.add_product(staff, stock=50)
    scarce = shop.add_product(staff, stock=1)
    response = shop.order(alice, (plenty["id"], 5), (scarce["id"], 2))
    assert response.status_code == 409
    assert shop.stock(alice, plenty["id"]) == 50
    assert shop.stock(alice, scarce["id"]) == 1
    assert client.get("/orders", headers=alice.headers).get_json()["orders"] == []


def test_an_order_has_1_to_20_lines(client, shop, staff, alice):
    product = shop.add_product(staff, stock=100)
    empty = client.post("/orders", json={"lines": []}, headers=alice.headers)
    assert empty.status_code == 400
    assert empty.get_json()["error"]["code"] == "bad_request"
    assert shop.order(alice, *[(product["id"], 1)] * 21).status_code == 400
    assert shop.order(alice, *[(product["id"], 1)] * 20).status_code == 201
    assert shop.stock(alice, product["id"]) == 80


def test_old_orders_keep_the_price_they_were_placed_at(client, shop, staff, alice):
    product = shop.add_product(staff, price_cents=1000)
    order = shop.place(alice, (product["id"], 2))
    client.patch(f"/products/{product['id']}", json={"price_cents": 1500}, headers=staff.headers)
    again = client.get(f"/orders/{order['id']}", headers=alice.headers).get_json()
    assert again["total_cents"] == 2000
    assert again["lines"][0]["unit_price_cents"] == 1000
    assert shop.place(alice, (product["id"], 1))["total_cents"] == 1500


def test_orders_need_a_login(client, shop, staff):
    product = shop.add_product(staff)
    assert (
        client.post(
            "/orders", json={"lines": [{"product_id": product["id"], "qty": 1}]}
        ).status_code
        == 401
    )
    assert client.get("/orders").status_code == 401
    assert client.get("/orders/1").status_code == 401
    assert shop.stock(staff, product["id"]) == 10


def test_my_orders_newest_first_with_product_names(client, shop, staff, alice, bob):
    product = shop.add_product(staff, stock=100)
    other = shop.add_product(staff, stock=100)
    placed = [shop.place(alice, (product["id"], n), (other["id"], 1)) for n in range(1, 4)]
    shop.place(bob, (product["id"], 1))
    response = client.get("/orders", headers=alice.headers)
    assert response.status_code == 200
    body = response.get_json()
    assert body["limit"] == 25
    assert body["offset"] == 0
    assert body["orders"] == placed[::-1]
    assert [line["product_name"] for line in body["orders"][0]["lines"]] == [
        product["name"],
        other["name"],
    ]


def test_my_orders_page_with_limit_and_offset(client, shop, staff, alice):
    product = shop.add_product(staff, stock=100)
    ids = [shop.place(alice, (product["id"], 1))["id"] for _ in range(5)]
    page = client.get("/orders?limit=2&offset=1", headers=alice.headers).get_json()
    assert (page["limit"], page["offset"]) == (2, 1)
    assert [o["id"] for o in page["orders"]] == [ids[3], ids[2]]
    last = client.get("/orders?limit=2&offset=4", headers=alice.headers).get_json()["orders"]
    assert [o["id"] for o in last] == [ids[0]]
    assert client.get("/orders?limit=2&offset=5", headers=alice.headers).get_json()["orders"] == []
    assert client.get("/orders?limit=1000", headers=alice.headers).get_json()["limit"] == 100
    assert client.get("/orders?limit=100", headers=alice.headers).get_json()["limit"] == 100
    everything = client.get("/orders?limit=100", headers=alice.headers).get_json()["orders"]
    assert [o["id"] for o in everything] == ids[::-1]


def test_newest_first_goes_by_date_then_id(app, client, shop, staff, alice):
    product = shop.add_product(staff, stock=100)
    first, second, third = (shop.place(alice, (product["id"], 1))["id"] for _ in range(3))
    conn = db.connect(app.config["STOCKROOM"].database_url)
    conn.execute("UPDATE orders SET created_at = '2030-01-01T00:00:00Z' WHERE id = %s", (first,))
    conn.execute("UPDATE orders SET created_at = '2020-01-01T00:00:00Z' WHERE id = %s", (third,))
    conn.commit()
    conn.close()
    listed = client.get("/orders", headers=alice.headers).get_json()["orders"]
    assert [o["id"] for o in listed] == [first, second, third]


def test_read_my_order(client, shop, staff, alice):
    product = shop.add_product(staff)
    order = shop.place(alice, (product["id"], 2))
    response = client.get(f"/orders/{order['id']}", headers=alice.headers)
    assert response.status_code == 200
    assert response.get_json() == order
    assert client.get("/orders/999999", headers=alice.headers).status_code == 404


def test_cancel_puts_the_stock_back_once(client, shop, staff, alice):
    product = shop.add_product(staff, stock=10)
    other = shop.add_product(staff, stock=10)
    order = shop.place(alice, (product["id"], 4), (other["id"], 1))
    response = client.post(f"/orders/{order['id']}/cancel", headers=alice.headers)
    assert response.status_code == 200
    assert response.get_json() == {**order, "status": "cancelled"}
    assert shop.stock(alice, product["id"]) == 10
    assert shop.stock(alice, other["id"]) == 10
    again = client.post(f"/orders/{order['id']}/cancel", headers=alice.headers)
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "conflict"
    assert shop.stock(alice, product["id"]) == 10
    assert client.post("/orders/999999/cancel", headers=alice.headers).status_code == 404


def test_search_my_orders_by_product_name(client, shop, staff, alice, bob):
    hinge = shop.add_product(staff, stock=100, name="Brass hinge")
    bolt = shop.add_product(staff, stock=100, name="Steel bolt")
    with_hinge = shop.place(alice, (hinge["id"], 1), (bolt["id"], 1))
    shop.place(alice, (bolt["id"], 1))
    newer_hinge = shop.place(alice, (hinge["id"], 2))
    shop.place(bob, (hinge["id"], 1))
    response = client.get("/orders/search?q=HINGE", headers=alice.headers)
    assert response.status_code == 200
    assert response.get_json() == {"orders": [newer_hinge, with_hinge]}
    nothing = client.get("/orders/search?q=sprocket", headers=alice.headers).get_json()
    assert nothing == {"orders": []}
    assert len(client.get("/orders/search?q=", headers=alice.headers).get_json()["orders"]) == 3


def test_search_returns_at_most_50_orders(client, shop, staff, alice):
    product = shop.add_product(staff, stock=100, name="Popular thing")
    ids = [shop.place(alice, (product["id"], 1))["id"] for _ in range(51)]
    found = client.get("/orders/search?q=popular", headers=alice.headers).get_json()["orders"]
    assert [o["id"] for o in found] == ids[::-1][:50]
