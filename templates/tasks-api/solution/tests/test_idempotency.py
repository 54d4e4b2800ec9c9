def test_same_idempotency_key_creates_one_task(client, alice):
    headers = {**alice, "Idempotency-Key": "2f1c7a1e-retry"}
    first = client.post("/tasks", json={"title": "Pay rent"}, headers=headers)
    again = client.post("/tasks", json={"title": "Pay rent"}, headers=headers)
    assert first.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert len(client.get("/tasks", headers=alice).json()["items"]) == 1
