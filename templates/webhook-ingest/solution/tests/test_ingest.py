import time

from fastapi.testclient import TestClient

from tests.conftest import deliver, payment_event, process

NOW = int(time.time())


def test_a_succeeded_event_becomes_a_payment_with_its_fee(client: TestClient) -> None:
    deliver(client, payment_event("succeeded", "pay_1", NOW, amount=2000))
    assert client.get("/payments/pay_1").status_code == 404, "nothing applied before a worker"
    assert process(client) == 1
    payment = client.get("/payments/pay_1").json()
    assert payment["status"] == "succeeded"
    assert payment["amount"] == 2000
    assert payment["fee"] == 25 + 2000 * 14 // 1000


def test_a_redelivery_is_200_and_changes_nothing(client: TestClient) -> None:
    event = payment_event("succeeded", "pay_2", NOW)
    assert deliver(client, event).status_code == 202
    again = deliver(client, event)
    assert again.status_code == 200
    assert again.json()["status"] == "duplicate"
    assert process(client) == 1


def test_a_refund_that_arrives_first_is_not_undone(client: TestClient) -> None:
    deliver(client, payment_event("refunded", "pay_3", NOW + 60))
    process(client)
    deliver(client, payment_event("succeeded", "pay_3", NOW))
    process(client)
    assert client.get("/payments/pay_3").json()["status"] == "refunded"


def test_event_types_this_service_ignores_are_acknowledged(client: TestClient) -> None:
    event = {"id": "evt_customer", "type": "customer.created", "created": NOW, "data": {}}
    assert deliver(client, event).status_code == 202
    process(client)


def test_an_event_that_cannot_be_applied_does_not_block_the_rest(client: TestClient) -> None:
    """More than PostgreSQL's bigint holds: stored (or refused), never applied, and parked."""
    poison = payment_event("succeeded", "pay_poison", NOW, amount=10**19)
    assert deliver(client, poison).status_code in (202, 400)
    deliver(client, payment_event("succeeded", "pay_after", NOW))
    process(client)
    assert client.get("/payments/pay_after").json()["status"] == "succeeded"
    assert client.get("/payments/pay_poison").status_code == 404
