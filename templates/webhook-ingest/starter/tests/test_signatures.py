import time

from fastapi.testclient import TestClient

from tests.conftest import deliver, payment_event

NOW = int(time.time())


def test_a_signed_event_is_queued(client: TestClient) -> None:
    response = deliver(client, payment_event("succeeded", "pay_a", NOW))
    assert response.status_code == 202
    assert response.json()["status"] == "queued"


def test_an_unsigned_event_is_401(client: TestClient) -> None:
    body = b'{"id": "evt_1", "type": "payment.succeeded", "created": 1, "data": {}}'
    assert client.post("/webhooks/paystream", content=body).status_code == 401


def test_another_secret_is_401(client: TestClient) -> None:
    event = payment_event("succeeded", "pay_b", NOW)
    assert deliver(client, event, secret="whsec_someone_else").status_code == 401


def test_a_delivery_signed_ten_minutes_ago_is_401(client: TestClient) -> None:
    event = payment_event("succeeded", "pay_c", NOW)
    assert deliver(client, event, at=time.time() - 600).status_code == 401
