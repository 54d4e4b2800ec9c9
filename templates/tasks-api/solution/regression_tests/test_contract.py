"""Regression tests for PLAT-212: each pins a promise of the v1 contract, so a change that
breaks it cannot ship unnoticed."""

from typing import Any


def _create(client: Any, headers: dict[str, str], count: int, **fields: Any) -> list[int]:
    return [
        client.post("/tasks", json={"title": f"Task {n}", **fields}, headers=headers).json()["id"]
        for n in range(count)
    ]


def _walk(client: Any, headers: dict[str, str], **params: Any) -> list[list[int]]:
    """Every page of GET /tasks with `params`, following next_cursor to the end."""
    pages, query = [], dict(params)
    while True:
        page = client.get("/tasks", params=query, headers=headers)
        assert page.status_code == 200
        pages.append([item["id"] for item in page.json()["items"]])
        if page.json()["next_cursor"] is None:
            return pages
        query["cursor"] = page.json()["next_cursor"]


# Listing: keyset pages, filters kept across pages.


def test_a_task_created_while_paging_moves_nothing(client, alice):
    ids = _create(client, alice, 6)
    first = client.get("/tasks", params={"limit": 3}, headers=alice).json()
    _create(client, alice, 2)  # newer than every task already listed
    params = {"limit": 3, "cursor": first["next_cursor"]}
    rest = client.get("/tasks", params=params, headers=alice).json()
    seen = [item["id"] for item in first["items"] + rest["items"]]
    assert seen == list(reversed(ids))


def test_an_exactly_full_page_ends_the_list(client, alice):
    ids = _create(client, alice, 6)
    pages = _walk(client, alice, limit=3)
    assert pages == [list(reversed(ids))[:3], list(reversed(ids))[3:]]


def test_the_status_filter_holds_on_every_page(client, alice):
    done = []
    for _ in range(3):  # interleaved, so that every page has both kinds to tell apart
        done += _create(client, alice, 2, status="done")
        _create(client, alice, 2, status="todo")
    pages = _walk(client, alice, limit=2, status="done")
    assert sorted(sum(pages, [])) == sorted(done)


def test_due_date_filters_include_both_ends(client, alice):
    edges = _create(client, alice, 1, due_date="2026-03-01")
    edges += _create(client, alice, 1, due_date="2026-03-31")
    _create(client, alice, 1, due_date="2026-04-01")
    _create(client, alice, 1)
    params = {"due_from": "2026-03-01", "due_to": "2026-03-31"}
    items = client.get("/tasks", params=params, headers=alice).json()["items"]
    assert sorted(item["id"] for item in items) == sorted(edges)


def test_nobody_lists_someone_elses_tasks(client, alice, bob):
    _create(client, alice, 3, status="done")
    for params in ({}, {"status": "done"}, {"limit": 1}):
        assert client.get("/tasks", params=params, headers=bob).json()["items"] == [], params


# Updates: validated like creates, only the fields sent change.


def test_an_update_cannot_blank_the_title(client, alice):
    [task_id] = _create(client, alice, 1)
    for title in ("", "   ", "x" * 201):
        response = client.patch(f"/tasks/{task_id}", json={"title": title}, headers=alice)
        assert response.status_code == 422, title
    assert client.get(f"/tasks/{task_id}", headers=alice).json()["title"] == "Task 0"


def test_a_null_due_date_clears_it(client, alice):
    [task_id] = _create(client, alice, 1, due_date="2026-05-01")
    cleared = client.patch(f"/tasks/{task_id}", json={"due_date": None}, headers=alice)
    assert cleared.status_code == 200
    assert client.get(f"/tasks/{task_id}", headers=alice).json()["due_date"] is None


def test_an_update_leaves_the_fields_not_sent(client, alice):
    [task_id] = _create(client, alice, 1, due_date="2026-05-01", description="notes")
    client.patch(f"/tasks/{task_id}", json={"status": "in_progress"}, headers=alice)
    task = client.get(f"/tasks/{task_id}", headers=alice).json()
    assert (task["title"], task["description"], task["due_date"], task["status"]) == (
        "Task 0", "notes", "2026-05-01", "in_progress",
    )  # fmt: skip


# Idempotent creates: keys belong to their user.


def test_the_same_key_from_two_users_makes_two_tasks(client, alice, bob):
    body = {"title": "Pay rent"}
    mine = client.post("/tasks", json=body, headers={**alice, "Idempotency-Key": "k-1"})
    theirs = client.post("/tasks", json=body, headers={**bob, "Idempotency-Key": "k-1"})
    assert (mine.status_code, theirs.status_code) == (201, 201)
    assert theirs.json()["id"] != mine.json()["id"]
    assert [t["id"] for t in client.get("/tasks", headers=bob).json()["items"]] == [
        theirs.json()["id"]
    ]


def test_a_spent_key_with_another_body_is_422(client, alice):
    headers = {**alice, "Idempotency-Key": "k-2"}
    assert client.post("/tasks", json={"title": "A"}, headers=headers).status_code == 201
    assert client.post("/tasks", json={"title": "B"}, headers=headers).status_code == 422
    assert len(client.get("/tasks", headers=alice).json()["items"]) == 1


# Rate limit: per user, never shared.


def test_one_users_limit_never_limits_another(make_client, new_user):
    client = make_client(rate_limit_per_minute=3)
    alice, bob = new_user(client), new_user(client)
    assert [client.get("/users/me", headers=alice).status_code for _ in range(4)] == [
        200, 200, 200, 429,
    ]  # fmt: skip
    assert client.get("/users/me", headers=bob).status_code == 200
