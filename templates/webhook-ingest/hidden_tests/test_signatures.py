"""Only Paystream's genuine, recent deliveries are accepted."""

import json
import time


def test_a_signed_event_is_accepted(paystream, payment_id):
    """A delivery signed with the secret, now, answers 202 {"status": "queued"}."""
    response = paystream.deliver(paystream.event("succeeded", payment_id, int(time.time())))
    assert response.status_code == 202, response.text
    assert response.json().get("status") == "queued"


def test_no_signature_is_401(paystream, payment_id):
    """A delivery without a Paystream-Signature header is a 401."""
    body = json.dumps(paystream.event("succeeded", payment_id, int(time.time()))).encode()
    assert paystream.post(body, None).status_code == 401


def test_a_body_changed_after_signing_is_401(paystream, payment_id, sign):
    """The signature covers the whole body: change one byte after signing and it is a 401."""
    event = paystream.event("succeeded", payment_id, int(time.time()), amount=1000)
    body = json.dumps(event).encode()
    now = int(time.time())
    tampered = body.replace(b'"amount": 1000', b'"amount": 9000')
    assert tampered != body
    assert paystream.post(tampered, f"t={now},v1={sign(body, now)}").status_code == 401


def test_a_signature_made_with_another_secret_is_401(paystream, payment_id, sign):
    """A signature made with any other secret is a 401."""
    body = json.dumps(paystream.event("succeeded", payment_id, int(time.time()))).encode()
    now = int(time.time())
    forged = sign(body, now, secret="whsec_guessed")
    assert paystream.post(body, f"t={now},v1={forged}").status_code == 401


def test_an_old_delivery_replayed_is_401(paystream, payment_id):
    """A genuine delivery signed six minutes ago is refused (401): the tolerance is five."""
    event = paystream.event("succeeded", payment_id, int(time.time()))
    assert paystream.deliver(event, at=time.time() - 360).status_code == 401


def test_a_timestamp_from_the_future_is_401(paystream, payment_id):
    """A signature timestamped six minutes ahead is refused too (401): the tolerance is both ways."""
    event = paystream.event("succeeded", payment_id, int(time.time()))
    assert paystream.deliver(event, at=time.time() + 360).status_code == 401


def test_a_new_timestamp_on_an_old_signature_is_401(paystream, payment_id, sign):
    """The timestamp is signed too: moving t forward without re-signing is a 401."""
    body = json.dumps(paystream.event("succeeded", payment_id, int(time.time()))).encode()
    old = int(time.time()) - 400
    assert paystream.post(body, f"t={int(time.time())},v1={sign(body, old)}").status_code == 401


def test_one_matching_signature_of_two_is_enough(paystream, payment_id, sign):
    """While Paystream rotates its secret a header has two v1 entries: one match is enough."""
    body = json.dumps(paystream.event("succeeded", payment_id, int(time.time()))).encode()
    now = int(time.time())
    header = f"t={now},v1={sign(body, now, secret='whsec_old')},v1={sign(body, now)}"
    assert paystream.post(body, header).status_code == 202


def test_the_signature_covers_the_bytes_as_sent(paystream, payment_id, sign):
    """Verify the raw body, not JSON re-encoded: other spacing and key order must still pass."""
    now = int(time.time())
    body = (
        f'{{"type":"payment.succeeded",  "data":{{"object":{{"paid_at":{now},"amount_refunded":0,'
        f'"status":"succeeded","currency":"eur","amount":1200,"id":"{payment_id}"}}}},\n'
        f'"created":{now},"id":"evt_{payment_id}"}}'
    ).encode()
    assert paystream.post(body, f"t={now},v1={sign(body, now)}").status_code == 202


def test_a_malformed_header_is_401_not_500(paystream, payment_id):
    """Garbage in Paystream-Signature (no t, no v1, not numbers) is a 401, never a 500."""
    body = json.dumps(paystream.event("succeeded", payment_id, int(time.time()))).encode()
    for header in ("garbage", "t=,v1=", "t=abc,v1=00", "v1=00", f"t={int(time.time())}"):
        assert paystream.post(body, header).status_code == 401, header
