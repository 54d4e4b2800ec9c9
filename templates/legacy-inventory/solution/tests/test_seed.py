import sqlite3

from app import seed
from app.auth import check_password


def test_seed_fills_an_empty_database_once(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(seed, "ORDERS", 4000)
    monkeypatch.delenv("SEED_PASSWORD", raising=False)
    path = str(tmp_path / "seeded.db")
    seed.seed(path)
    seed.seed(path)
    conn = sqlite3.connect(path)
    count = {
        table: conn.execute(query).fetchone()[0]
        for table, query in (
            ("customers", "SELECT COUNT(*) FROM customers"),
            ("products", "SELECT COUNT(*) FROM products"),
            ("orders", "SELECT COUNT(*) FROM orders"),
        )
    }
    assert count == {"customers": 201, "products": 400, "orders": 4000}
    staff = conn.execute(
        "SELECT role, password_hash FROM customers WHERE email = 'staff@example.com'"
    ).fetchone()
    assert staff[0] == "staff"
    assert check_password("seed-password", staff[1])
    assert not check_password("seed-passworD", staff[1])
    lines = conn.execute(
        "SELECT MIN(qty), MAX(qty), COUNT(DISTINCT order_id) FROM order_lines"
    ).fetchone()
    assert lines == (1, 3, 4000)
    wrong_totals = conn.execute(
        "SELECT COUNT(*) FROM orders o WHERE total_cents !="
        " (SELECT SUM(qty * unit_price_cents) FROM order_lines WHERE order_id = o.id)"
    ).fetchone()[0]
    assert wrong_totals == 0
    cancelled = conn.execute("SELECT COUNT(*) FROM orders WHERE status = 'cancelled'").fetchone()[0]
    assert 0 < cancelled < 400
    buyers = conn.execute(
        "SELECT COUNT(DISTINCT o.customer_id), MIN(o.created_at), MAX(o.created_at),"
        " SUM(c.role != 'customer') FROM orders o JOIN customers c ON c.id = o.customer_id"
    ).fetchone()
    assert buyers[0] == 200, "every seeded customer has orders"
    assert buyers[3] == 0, "staff place no orders"
    assert "2024-01-01" <= buyers[1] < buyers[2] < "2026-01-01"
    assert "already seeded" in capsys.readouterr().out
