"""Revenue per UTC day and currency, for finance."""

import datetime as dt
import secrets


def _figures(report):
    return [(d["day"], d["currency"], d["payments"], d["gross"], d["refunded"], d["net"])
            for d in report["days"]]  # fmt: skip


def _pay(paystream, kind, at, amount, **payment):
    payment_id = f"pay_{secrets.token_hex(8)}"
    paystream.queued(paystream.event(kind, payment_id, int(at.timestamp()), amount, **payment))
    return payment_id


def test_a_day_adds_up_per_currency(paystream, day):
    """Each day has one row per currency: the count, gross, refunded and net of its payments."""
    ids = [_pay(paystream, "succeeded", day, 1000), _pay(paystream, "succeeded", day, 250),
           _pay(paystream, "succeeded", day, 900, currency="usd")]  # fmt: skip
    for payment_id in ids:
        paystream.applied(payment_id, status="succeeded")
    one = day.date().isoformat()
    assert _figures(paystream.report(one, one).json()) == [
        (one, "eur", 2, 1250, 0, 1250), (one, "usd", 1, 900, 0, 900),
    ]  # fmt: skip


def test_failed_payments_are_not_revenue(paystream, day):
    """A failed payment is neither counted nor summed in the report."""
    paid, failed = _pay(paystream, "succeeded", day, 500), _pay(paystream, "failed", day, 800)
    paystream.applied(paid, status="succeeded")
    paystream.applied(failed, status="failed")
    one = day.date().isoformat()
    assert _figures(paystream.report(one, one).json()) == [(one, "eur", 1, 500, 0, 500)]


def test_a_partial_refund_is_net_of_the_refund(paystream, day):
    """A payment refunded in part counts its gross, its refunded amount, and net is the rest."""
    refunded = _pay(paystream, "refunded", day, 1000, amount_refunded=300)
    paystream.applied(refunded, status="refunded")
    one = day.date().isoformat()
    assert _figures(paystream.report(one, one).json()) == [(one, "eur", 1, 1000, 300, 700)]


def test_days_are_utc_days(paystream, day):
    """23:59:59 UTC and 00:00:00 UTC the next day fall on two days, whatever the server's zone."""
    late = day.replace(hour=23, minute=59, second=59)
    ids = [_pay(paystream, "succeeded", late, 100),
           _pay(paystream, "succeeded", late + dt.timedelta(seconds=1), 200)]  # fmt: skip
    for payment_id in ids:
        paystream.applied(payment_id, status="succeeded")
    first, second = day.date(), day.date() + dt.timedelta(days=1)
    assert [(d["day"], d["gross"]) for d in paystream.report(
        first.isoformat(), second.isoformat()).json()["days"]] == [
        (first.isoformat(), 100), (second.isoformat(), 200)]  # fmt: skip


def test_the_window_includes_both_ends_and_nothing_else(paystream, day):
    """from and to are both included; payments the day before and the day after are not."""
    days = [day + dt.timedelta(days=n) for n in range(-1, 3)]
    ids = [_pay(paystream, "succeeded", moment, 10 * (n + 1)) for n, moment in enumerate(days)]
    for payment_id in ids:
        paystream.applied(payment_id, status="succeeded")
    first, last = days[1].date().isoformat(), days[2].date().isoformat()
    report = paystream.report(first, last).json()
    assert [(d["day"], d["gross"]) for d in report["days"]] == [(first, 20), (last, 30)]


def test_days_without_payments_are_left_out(paystream, day):
    """A window with no payments answers 200 with an empty list of days."""
    one = day.date().isoformat()
    response = paystream.report(one, one)
    assert response.status_code == 200
    assert response.json()["days"] == []


def test_a_window_that_ends_before_it_starts_is_422(paystream):
    """to before from is a 422, not an empty report."""
    assert paystream.report("2026-03-02", "2026-03-01").status_code == 422


def test_a_window_over_366_days_is_422(paystream):
    """A window of more than 366 days is a 422; exactly 366 days is fine."""
    assert paystream.report("2025-01-01", "2026-01-02").status_code == 422
    assert paystream.report("2025-01-01", "2026-01-01").status_code == 200


def test_a_date_that_is_not_a_date_is_422(paystream):
    """from=2026-02-30 or from=yesterday is a 422, and so is a missing from or to."""
    assert paystream.report("2026-02-30", "2026-03-01").status_code == 422
    assert paystream.report("yesterday", "2026-03-01").status_code == 422
    assert paystream.http.get("/reports/revenue", params={"to": "2026-03-01"}).status_code == 422
