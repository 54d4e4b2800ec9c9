def _create(client, headers, count, **fields):
    return [
        client.post("/tasks", json={"title": f"Task {n}", **fields}, headers=headers).json()["id"]
        for n in range(count)
    ]


def test_limit_and_next_cursor(client, alice):
    ids = _create(client, alice, 7)
    page = client.get("/tasks", params={"limit": 5}, headers=alice).json()
    assert [item["id"] for item in page["items"]] == list(reversed(ids))[:5]
    assert page["next_cursor"]
    rest = client.get("/tasks", params={"limit": 5, "cursor": page["next_cursor"]}, headers=alice)
    assert [item["id"] for item in rest.json()["items"]] == list(reversed(ids))[5:]
    assert rest.json()["next_cursor"] is None


def test_walking_pages_sees_each_task_once(client, alice):
    ids = _create(client, alice, 12)
    seen, params = [], {"limit": 5}
    while True:
        page = client.get("/tasks", params=params, headers=alice).json()
        assert len(page["items"]) <= 5
        seen += [item["id"] for item in page["items"]]
        if not page["next_cursor"]:
            break
        params["cursor"] = page["next_cursor"]
    assert sorted(seen) == sorted(ids)


def test_filters(client, alice):
    done = _create(client, alice, 2, status="done", due_date="2026-03-15")
    _create(client, alice, 2, status="todo", due_date="2026-03-15")
    _create(client, alice, 1, status="done", due_date="2026-09-01")
    params = {"status": "done", "due_from": "2026-03-01", "due_to": "2026-03-31"}
    items = client.get("/tasks", params=params, headers=alice).json()["items"]
    assert sorted(item["id"] for item in items) == sorted(done)
