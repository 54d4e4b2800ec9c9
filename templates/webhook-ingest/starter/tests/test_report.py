import datetime as dt

from fastapi.testclient import TestClient

from tests.conftest import deliver, payment_event, process

DAY = dt.datetime(2031, 3, 14, 9, tzinfo=dt.UTC)


def test_the_report_sums_a_days_payments(client: TestClient) -> None:
    at = int(DAY.timestamp())
    deliver(client, payment_event("succeeded", "pay_r1", at, amount=1000))
    deliver(client, payment_event("succeeded", "pay_r2", at + 60, amount=500))
    deliver(client, payment_event("failed", "pay_r3", at + 120, amount=700))
    process(client)
    report = client.get("/reports/revenue", params={"from": "2031-03-14", "to": "2031-03-14"})
    assert report.status_code == 200
    assert (report.json()["from"], report.json()["to"]) == ("2031-03-14", "2031-03-14")
    assert report.json()["days"] == [
        {"day": "2031-03-14", "currency": "eur", "payments": 2, "gross": 1500, "refunded": 0,
         "net": 1500},
    ]  # fmt: skip


def test_the_history_is_in_the_report(client: TestClient) -> None:
    """The seed's history runs from January 2025 to October 2026."""
    for first, last in (("2025-01-01", "2025-01-31"), ("2026-10-01", "2026-10-31")):
        report = client.get("/reports/revenue", params={"from": first, "to": last})
        assert report.status_code == 200
        days = report.json()["days"]
        assert days, f"the seeded history has payments from {first} to {last}"
        assert all(day["net"] == day["gross"] - day["refunded"] for day in days)


def test_the_historys_fees_are_paystreams(client: TestClient) -> None:
    payments = [client.get(f"/payments/pay_h{n:07d}").json() for n in range(10)]
    paid = [payment for payment in payments if payment["paid_at"] is not None]
    assert paid
    assert all(payment["fee"] == 25 + payment["amount"] * 14 // 1000 for payment in paid)


def test_a_window_that_ends_before_it_starts_is_422(client: TestClient) -> None:
    response = client.get("/reports/revenue", params={"from": "2026-02-01", "to": "2026-01-01"})
    assert response.status_code == 422
