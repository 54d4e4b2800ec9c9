def test_staff_create_a_product(client, staff):
    body = {"sku": "BOLT-1", "name": "Bolt", "price_cents": 250, "stock": 7}
    response = client.post("/products", json=body, headers=staff.headers)
    assert response.status_code == 201
    created = response.get_json()
    assert created == {"id": created["id"], **body}
    assert client.get(f"/products/{created['id']}", headers=staff.headers).get_json() == created


def test_stock_defaults_to_zero(client, staff):
    body = {"sku": "NUT-1", "name": "Nut", "price_cents": 10}
    assert client.post("/products", json=body, headers=staff.headers).get_json()["stock"] == 0


def test_customers_cannot_manage_products(client, shop, staff, alice):
    body = {"sku": "X-1", "name": "X", "price_cents": 1, "stock": 1}
    assert client.post("/products", json=body, headers=alice.headers).status_code == 403
    product = shop.add_product(staff)
    response = client.patch(
        f"/products/{product['id']}", json={"stock": 999}, headers=alice.headers
    )
    assert response.status_code == 403
    assert shop.stock(alice, product["id"]) == 10


def test_duplicate_sku_is_409(client, staff):
    body = {"sku": "DUP", "name": "One", "price_cents": 1}
    assert client.post("/products", json=body, headers=staff.headers).status_code == 201
    again = client.post("/products", json={**body, "name": "Two"}, headers=staff.headers)
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "conflict"


def test_product_fields_are_checked(client, staff):
    good = {"sku": "OK-1", "name": "Ok", "price_cents": 100, "stock": 1}
    bad_bodies = [
        {k: v for k, v in good.items() if k != "name"},
        {k: v for k, v in good.items() if k != "sku"},
        {k: v for k, v in good.items() if k != "price_cents"},
        {**good, "price_cents": "100"},
        {**good, "price_cents": -1},
        {**good, "stock": -1},
        {**good, "stock": True},
        {**good, "name": 5},
    ]
    for body in bad_bodies:
        response = client.post("/products", json=body, headers=staff.headers)
        assert response.status_code == 400, body
        assert response.get_json()["error"]["code"] == "bad_request"
    zero = client.post(
        "/products", json={**good, "price_cents": 0, "stock": 0}, headers=staff.headers
    )
    assert zero.status_code == 201


def test_staff_update_a_product(client, shop, staff):
    product = shop.add_product(staff, stock=3, price_cents=500)
    response = client.patch(
        f"/products/{product['id']}", json={"stock": 40, "price_cents": 450}, headers=staff.headers
    )
    assert response.status_code == 200
    assert response.get_json() == {**product, "stock": 40, "price_cents": 450}
    renamed = client.patch(
        f"/products/{product['id']}", json={"name": "Renamed"}, headers=staff.headers
    )
    assert renamed.get_json() == {**product, "stock": 40, "price_cents": 450, "name": "Renamed"}
    assert (
        client.patch(
            f"/products/{product['id']}", json={"stock": -5}, headers=staff.headers
        ).status_code
        == 400
    )
    assert shop.stock(staff, product["id"]) == 40
    assert (
        client.patch("/products/999999", json={"stock": 1}, headers=staff.headers).status_code
        == 404
    )


def test_list_products_pages_and_filters(client, shop, staff, alice):
    made = [shop.add_product(staff, name=f"Gear {n}") for n in range(5)]
    shop.add_product(staff, name="Sprocket")
    response = client.get("/products?limit=2&offset=1", headers=alice.headers)
    assert response.status_code == 200
    body = response.get_json()
    assert body["limit"] == 2
    assert body["offset"] == 1
    assert [p["id"] for p in body["products"]] == [made[1]["id"], made[2]["id"]]
    gears = client.get("/products?q=gear&limit=100", headers=alice.headers).get_json()["products"]
    assert [p["id"] for p in gears] == [p["id"] for p in made]
    everything = client.get("/products", headers=alice.headers).get_json()
    assert len(everything["products"]) == 6
    assert everything["limit"] == 25
    assert everything["offset"] == 0
    assert client.get("/products?limit=500", headers=alice.headers).get_json()["limit"] == 100


def test_unknown_product_is_404(client, alice):
    assert client.get("/products/999999", headers=alice.headers).status_code == 404
    assert client.get("/products").status_code == 401
