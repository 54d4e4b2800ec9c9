"""What a payment shows once its events are applied."""

import json
import time


def test_a_succeeded_payment_shows_its_fields(paystream, payment_id, day):
    """After payment.succeeded, GET /payments/{id} shows its status, amount, currency and paid_at."""
    at = int(day.timestamp())
    paystream.queued(paystream.event("succeeded", payment_id, at, amount=2599, currency="gbp"))
    shown = paystream.applied(payment_id, status="succeeded")
    assert (shown["amount"], shown["currency"], shown["amount_refunded"]) == (2599, "gbp", 0)
    paid = shown["paid_at"].replace("Z", "+00:00")
    assert paid.startswith(day.strftime("%Y-%m-%dT09:00:00")), shown["paid_at"]


def test_a_paid_payment_gets_paystreams_fee(paystream, payment_id, day):
    """A paid payment's fee comes from Paystream (app/provider.py's fetch_fee), once applied."""
    paystream.queued(paystream.event("succeeded", payment_id, int(day.timestamp()), amount=8000))
    assert paystream.applied(payment_id, fee=25 + 8000 * 14 // 1000)["status"] == "succeeded"


def test_a_failed_payment_has_no_fee_and_no_paid_at(paystream, payment_id, day):
    """A payment.failed is kept (status failed) with no fee and no paid_at."""
    paystream.queued(paystream.event("failed", payment_id, int(day.timestamp())))
    shown = paystream.applied(payment_id, status="failed")
    assert shown["fee"] is None and shown["paid_at"] is None, shown


def test_an_unknown_payment_is_404(paystream, payment_id):
    """GET /payments/{id} of a payment no event has mentioned is a 404."""
    assert paystream.payment(payment_id).status_code == 404


def test_other_event_types_are_acknowledged_and_ignored(paystream, payment_id):
    """An event type the service does not handle (customer.created) is a 2xx and changes nothing."""
    event = {"id": f"evt_c_{payment_id}", "type": "customer.created", "created": int(time.time()),
             "data": {"object": {"id": payment_id, "email": "someone@example.com"}}}  # fmt: skip
    assert paystream.deliver(event).status_code in (200, 202)
    time.sleep(1)
    assert paystream.payment(payment_id).status_code == 404


def test_a_signed_but_malformed_event_is_400(paystream, payment_id):
    """A genuine delivery whose payment lacks its amount is a 400, never a 500 or a 2xx."""
    event = paystream.event("succeeded", payment_id, int(time.time()))
    del event["data"]["object"]["amount"]
    assert paystream.deliver(event).status_code == 400


def test_a_body_that_is_not_json_is_400(paystream):
    """A genuine delivery whose body is not JSON is a 400, never a 500."""
    assert paystream.deliver(json.dumps({"id": 1})[:-3].encode()).status_code == 400


def test_a_refund_larger_than_the_payment_is_400(paystream, payment_id):
    """A genuine delivery refunding more than the payment's amount is a 400, never applied."""
    event = paystream.event("refunded", payment_id, int(time.time()), amount=500)
    event["data"]["object"]["amount_refunded"] = 501
    assert paystream.deliver(event).status_code == 400
