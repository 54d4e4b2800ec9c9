"""At-least-once delivery, applied once."""

import json
import threading
import time

import httpx


def test_a_redelivery_is_200_duplicate(paystream, payment_id):
    """The same event id again answers 200 {"status": "duplicate"}."""
    event = paystream.event("succeeded", payment_id, int(time.time()))
    paystream.queued(event)
    again = paystream.deliver(event)
    assert again.status_code == 200, again.text
    assert again.json().get("status") == "duplicate"


def test_a_redelivered_payment_counts_once_in_the_report(paystream, payment_id, day):
    """A payment delivered three times is one payment in the day's revenue, not three."""
    event = paystream.event("succeeded", payment_id, int(day.timestamp()), amount=4200)
    paystream.queued(event)
    for _ in range(2):
        paystream.deliver(event)
    paystream.applied(payment_id, status="succeeded")
    time.sleep(1)  # room for a second, wrong, application to show
    report = paystream.report(day.date().isoformat(), day.date().isoformat()).json()
    assert [(d["payments"], d["gross"]) for d in report["days"]] == [(1, 4200)]


def test_concurrent_deliveries_of_one_event_queue_it_once(paystream, payment_id, day, sign):
    """Ten deliveries of one event at the same moment: exactly one 202, the others 200."""
    event = paystream.event("succeeded", payment_id, int(day.timestamp()), amount=700)
    body = json.dumps(event).encode()
    now = int(time.time())
    header = {"Paystream-Signature": f"t={now},v1={sign(body, now)}"}
    statuses: list[int] = []
    start = threading.Barrier(10)

    def post() -> None:
        with httpx.Client(base_url=paystream.http.base_url, timeout=30.0) as http:
            start.wait()
            statuses.append(
                http.post("/webhooks/paystream", content=body, headers=header).status_code
            )

    threads = [threading.Thread(target=post) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200] * 9 + [202], statuses
    paystream.applied(payment_id, status="succeeded")
    time.sleep(1)
    report = paystream.report(day.date().isoformat(), day.date().isoformat()).json()
    assert [(d["payments"], d["gross"]) for d in report["days"]] == [(1, 700)]
