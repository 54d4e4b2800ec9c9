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
    assert report.json()["days"] == [
        {"day": "2031-03-14", "currency": "eur", "payments": 2, "gross": 1500, "refunded": 0,
         "net": 1500},
    ]  # fmt: skip


def test_the_history_is_in_the_report(client: TestClient) -> None:
    report = client.get("/reports/revenue", params={"from": "2025-01-01", "to": "2025-12-31"})
    assert report.status_code == 200
    days = report.json()["days"]
    assert days, "the seeded history has payments in 2025"
    assert all(day["net"] == day["gross"] - day["refunded"] for day in days)


def test_a_window_that_ends_before_it_starts_is_422(client: TestClient) -> None:
    response = client.get("/reports/revenue", params={"from": "2026-02-01", "to": "2026-01-01"})
    assert response.status_code == 422
