import threading
from concurrent.futures import ThreadPoolExecutor


def _post(client, who, key, body):
    headers = {**who.headers, "Idempotency-Key": key}
    return client.post("/tasks", json=body, headers=headers)


def test_replay_returns_the_first_task(client, alice):
    """Replaying POST /tasks with the same Idempotency-Key and body must give the first response again: 201 and the same task."""
    body = {"title": "Pay the invoice", "due_date": "2026-06-30"}
    first = _post(client, alice, "key-1", body)
    again = _post(client, alice, "key-1", body)
    assert first.status_code == 201
    assert again.status_code == 201, f"the replay answered {again.status_code}, the first 201"
    assert again.json() == first.json()


def test_replay_creates_no_second_task(client, api, alice):
    """A replayed create must not store a second task: the list shows it once."""
    body = {"title": "Pay the invoice"}
    for _ in range(3):
        _post(client, alice, "key-2", body)
    titles = [item["title"] for item in api.list(alice).json()["items"]]
    assert titles == ["Pay the invoice"]


def test_same_key_with_another_body_is_422(client, alice):
    """Reusing an Idempotency-Key with a different body must be a 422: the key belongs to the first request."""
    assert _post(client, alice, "key-3", {"title": "First"}).status_code == 201
    assert _post(client, alice, "key-3", {"title": "Second"}).status_code == 422


def test_keys_belong_to_one_user(client, alice, bob):
    """Idempotency keys are per user: another user sending the same key gets their own new task."""
    mine = _post(client, alice, "shared-key", {"title": "Same"})
    theirs = _post(client, bob, "shared-key", {"title": "Same"})
    assert theirs.status_code == 201
    assert theirs.json()["id"] != mine.json()["id"]
    assert theirs.json()["owner"]["id"] == bob.id


def test_concurrent_retries_create_one_task(client, api):
    """Simultaneous creates with one Idempotency-Key must store one task (a unique constraint, not check-then-insert)."""
    # Only some rounds really race, so run many; a fresh user per round stays under the rate limit.
    rounds, parallel = 15, 10

    def race(who, key):
        barrier = threading.Barrier(parallel)

        def send(_):
            barrier.wait(timeout=10)
            return _post(client, who, key, {"title": key})

        with ThreadPoolExecutor(max_workers=parallel) as pool:
            return list(pool.map(send, range(parallel)))

    for n in range(rounds):
        who = api.register()
        responses = race(who, f"race-{n}")
        assert {r.status_code for r in responses} <= {200, 201, 409}
        assert len({r.json()["id"] for r in responses if r.status_code in {200, 201}}) == 1
        assert [item["title"] for item in api.list(who).json()["items"]] == [f"race-{n}"]
