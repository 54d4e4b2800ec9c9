from app import db, seed
from app.auth import check_password


def test_seed_fills_an_empty_database_once(app, monkeypatch, capsys):
    monkeypatch.setattr(seed, "ORDERS", 4000)
    monkeypatch.delenv("SEED_PASSWORD", raising=False)
    url = app.config["STOCKROOM"].database_url
    seed.seed(url)
    seed.seed(url)
    conn = db.connect(url)

    def one(query: str) -> tuple:
        """The query's only row (name its columns: a row is a dict)."""
        return tuple(conn.execute(query).fetchone().values())

    count = {
        "customers": one("SELECT COUNT(*) AS n FROM customers")[0],
        "products": one("SELECT COUNT(*) AS n FROM products")[0],
        "orders": one("SELECT COUNT(*) AS n FROM orders")[0],
    }
    assert count == {"customers": 201, "products": 400, "orders": 4000}
    staff = one("SELECT role, password_hash FROM customers WHERE email = 'staff@example.com'")
    assert staff[0] == "staff"
    assert check_password("seed-password", staff[1])
    assert not check_password("seed-passworD", staff[1])
    lines = one(
        "SELECT MIN(qty) AS least, MAX(qty) AS most, COUNT(DISTINCT order_id) AS orders"
        " FROM order_lines"
    )
    assert lines == (1, 3, 4000)
    wrong_totals = one(
        "SELECT COUNT(*) FROM orders o WHERE total_cents !="
        " (SELECT SUM(qty * unit_price_cents) FROM order_lines WHERE order_id = o.id)"
    )[0]
    assert wrong_totals == 0
    cancelled = one("SELECT COUNT(*) FROM orders WHERE status = 'cancelled'")[0]
    assert 0 < cancelled < 400
    buyers = one(
        "SELECT COUNT(DISTINCT o.customer_id) AS buyers, MIN(o.created_at) AS first,"
        " MAX(o.created_at) AS last, COUNT(*) FILTER (WHERE c.role <> 'customer') AS staff"
        " FROM orders o"
        " JOIN customers c ON c.id = o.customer_id"
    )
    assert buyers[0] == 200, "every seeded customer has orders"
    assert buyers[3] == 0, "staff place no orders"
    assert "2024-01-01" <= buyers[1] < buyers[2] < "2026-01-01"
    assert "already seeded" in capsys.readouterr().out
    placed = conn.execute(
        "INSERT INTO orders (customer_id, total_cents, created_at)"
        " VALUES (2, 0, '2026-01-01T00:00:00Z') RETURNING id"
    ).fetchone()
    assert placed == {"id": 4001}, "new orders are numbered after the seeded ones"
    conn.close()
