"""Events arrive in any order; a payment ends as the newest event says."""

import time


def test_a_refund_delivered_before_its_payment_wins(paystream, payment_id, day):
    """payment.refunded (created later) arriving first is not undone by the older payment.succeeded."""
    at = int(day.timestamp())
    paystream.queued(paystream.event("refunded", payment_id, at + 60, amount=1500))
    paystream.applied(payment_id, status="refunded")
    paystream.queued(paystream.event("succeeded", payment_id, at, amount=1500))
    paystream.applied(payment_id, status="refunded", amount_refunded=1500)
    report = paystream.report(day.date().isoformat(), day.date().isoformat()).json()
    assert [(d["gross"], d["refunded"], d["net"]) for d in report["days"]] == [(1500, 1500, 0)]


def test_an_older_event_does_not_overwrite_a_newer_one(paystream, payment_id, day):
    """Once payment.succeeded (newer) is applied, a late, older payment.failed changes nothing."""
    at = int(day.timestamp())
    paystream.queued(paystream.event("succeeded", payment_id, at + 30))
    paystream.applied(payment_id, status="succeeded")
    paystream.queued(paystream.event("failed", payment_id, at))
    time.sleep(1.5)
    assert paystream.applied(payment_id)["status"] == "succeeded"


def test_refunds_only_grow_within_the_same_second(paystream, payment_id, day):
    """Two refunds created in the same second: the larger amount_refunded is the one kept."""
    at = int(day.timestamp())
    full = paystream.event("refunded", payment_id, at + 5, amount=1000)
    half = paystream.event("refunded", payment_id, at + 5, amount=1000, amount_refunded=400)
    paystream.queued(full)
    paystream.applied(payment_id, amount_refunded=1000)
    paystream.queued(half)
    time.sleep(1.5)
    assert paystream.applied(payment_id)["amount_refunded"] == 1000
