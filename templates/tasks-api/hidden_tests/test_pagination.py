import pytest


@pytest.fixture
def alice_with_25_tasks(api, alice):
    ids = [api.create(alice, title=f"Task {n}")["id"] for n in range(25)]
    return alice, ids


def test_default_page_is_the_20_newest_with_next_cursor(api, alice_with_25_tasks):
    """GET /tasks returns the 20 newest tasks first by default, plus a `next_cursor` when more exist."""
    alice, ids = alice_with_25_tasks
    body = api.list(alice).json()
    assert [item["id"] for item in body["items"]] == list(reversed(ids))[:20]
    assert body["next_cursor"]


def test_pages_hold_every_task_exactly_once(api, alice_with_25_tasks):
    """Following next_cursor page by page must return every task exactly once: no duplicates, no gaps."""
    alice, ids = alice_with_25_tasks
    pages = api.walk(alice, limit=10)
    assert [len(page) for page in pages] == [10, 10, 5]
    seen = [item["id"] for page in pages for item in page]
    assert sorted(seen) == sorted(ids)


def test_cursor_past_the_end_gives_an_empty_page(client, api, alice_with_25_tasks):
    """A cursor past the last page should return an empty page (200, no items, no next_cursor), not 404."""
    alice, ids = alice_with_25_tasks
    cursor = api.list(alice, limit=20).json()["next_cursor"]
    for task_id in ids[:5]:  # the oldest five: everything after the cursor
        assert client.delete(f"/tasks/{task_id}", headers=alice.headers).status_code == 204
    response = api.list(alice, limit=20, cursor=cursor)
    assert response.status_code == 200
    assert response.json() == {"items": [], "next_cursor": None}


def test_task_created_while_paging_causes_no_duplicate(api, alice_with_25_tasks):
    """A task created while a client pages must not shift later pages (use a keyset cursor, not an offset)."""
    alice, ids = alice_with_25_tasks
    first = api.list(alice, limit=10).json()
    api.create(alice, title="Arrived mid-scroll")
    second = api.list(alice, limit=10, cursor=first["next_cursor"]).json()
    first_ids = [item["id"] for item in first["items"]]
    second_ids = [item["id"] for item in second["items"]]
    assert second_ids == list(reversed(ids))[10:20]
    assert not set(first_ids) & set(second_ids)


def test_limit_must_be_from_1_to_100(api, alice):
    """`limit` must be an integer from 1 to 100: limit=0, -1, 101 or 'ten' is a 422, limit=100 works."""
    api.create(alice)
    for limit in ["0", "-1", "101", "ten"]:
        response = api.list(alice, limit=limit)
        assert response.status_code == 422, f"limit={limit}: {response.status_code}"
    assert api.list(alice, limit=100).status_code == 200


def test_garbage_cursor_is_422(api, alice):
    """A cursor the API did not issue must be rejected with 422 (or 400), not crash with a 500."""
    api.create(alice)
    for cursor in ["garbage", "eyJpZCI6ICJ4In0", "-1"]:
        assert api.list(alice, cursor=cursor).status_code in {400, 422}
