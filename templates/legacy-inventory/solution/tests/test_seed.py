import sqlite3

from app import seed
from app.auth import check_password


def test_seed_fills_an_empty_database_once(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(seed, "ORDERS", 300)
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
    assert count == {"customers": 201, "products": 400, "orders": 300}
    staff = conn.execute(
        "SELECT role, password_hash FROM customers WHERE email = 'staff@example.com'"
    ).fetchone()
    assert staff[0] == "staff"
    assert check_password("seed-password", staff[1])
    assert not check_password("seed-passworD", staff[1])
    lines = conn.execute(
        "SELECT MIN(qty), MAX(qty), COUNT(DISTINCT order_id) FROM order_lines"
    ).fetchone()
    assert lines == (1, 3, 300)
    wrong_totals = conn.execute(
        "SELECT COUNT(*) FROM orders o WHERE total_cents !="
        " (SELECT SUM(qty * unit_price_cents) FROM order_lines WHERE order_id = o.id)"
    ).fetchone()[0]
    assert wrong_totals == 0
    cancelled = conn.execute("SELECT COUNT(*) FROM orders WHERE status = 'cancelled'").fetchone()[0]
    assert 0 < cancelled < 60
    assert "already seeded" in capsys.readouterr().out
