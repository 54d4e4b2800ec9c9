from app import db


def test_low_stock_lists_the_emptiest_first(client, shop, staff):
    low = shop.add_product(staff, stock=3)
    empty = shop.add_product(staff, stock=0)
    at_threshold = shop.add_product(staff, stock=10)
    shop.add_product(staff, stock=11)
    response = client.get("/reports/low-stock", headers=staff.headers)
    assert response.status_code == 200
    body = response.get_json()
    assert body["threshold"] == 10
    assert [p["id"] for p in body["products"]] == [empty["id"], low["id"], at_threshold["id"]]
    custom = client.get("/reports/low-stock?threshold=3", headers=staff.headers).get_json()
    assert [p["id"] for p in custom["products"]] == [empty["id"], low["id"]]


def test_reports_are_for_staff(client, alice):
    assert client.get("/reports/low-stock", headers=alice.headers).status_code == 403
    assert (
        client.get("/reports/daily-sales?day=2026-01-01", headers=alice.headers).status_code == 403
    )


def test_daily_sales_count_placed_orders_of_that_day(app, client, shop, staff, alice):
    product = shop.add_product(staff, stock=100, price_cents=300)
    kept = shop.place(alice, (product["id"], 2))
    cancelled = shop.place(alice, (product["id"], 1))
    other_day = shop.place(alice, (product["id"], 5))
    client.post(f"/orders/{cancelled['id']}/cancel", headers=alice.headers)
    conn = db.connect(app.config["STOCKROOM"].database_url)
    conn.execute(
        "UPDATE orders SET created_at = '2026-03-01T23:59:59Z' WHERE id IN (%s, %s)",
        (kept["id"], cancelled["id"]),
    )
    conn.execute(
        "UPDATE orders SET created_at = '2026-03-02T00:00:00Z' WHERE id = %s", (other_day["id"],)
    )
    conn.commit()
    conn.close()
    response = client.get("/reports/daily-sales?day=2026-03-01", headers=staff.headers)
    assert response.status_code == 200
    assert response.get_json() == {"day": "2026-03-01", "orders": 1, "revenue_cents": 600}
    empty = client.get("/reports/daily-sales?day=2026-03-03", headers=staff.headers).get_json()
    assert empty == {"day": "2026-03-03", "orders": 0, "revenue_cents": 0}
    bad = client.get("/reports/daily-sales?day=yesterday", headers=staff.headers)
    assert bad.status_code == 400
    assert bad.get_json()["error"]["code"] == "bad_request"
