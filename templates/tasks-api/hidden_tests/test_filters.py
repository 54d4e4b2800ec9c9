import pytest


@pytest.fixture
def alice_with_mixed_tasks(api, alice):
    tasks = [
        api.create(alice, title="a", status="todo", due_date="2026-03-01"),
        api.create(alice, title="b", status="done", due_date="2026-03-10"),
        api.create(alice, title="c", status="in_progress", due_date="2026-03-20"),
        api.create(alice, title="d", status="done"),
        api.create(alice, title="e", status="done", due_date="2026-04-01"),
    ]
    return alice, tasks


def _ids(response):
    assert response.status_code == 200, response.text
    return sorted(item["id"] for item in response.json()["items"])


def test_filter_by_status(api, alice_with_mixed_tasks):
    """?status=done must return only done tasks, and all of them."""
    alice, tasks = alice_with_mixed_tasks
    expected = sorted(t["id"] for t in tasks if t["status"] == "done")
    assert _ids(api.list(alice, status="done")) == expected


def test_filter_by_due_range_is_inclusive(api, alice_with_mixed_tasks):
    """?due_from=&due_to= (YYYY-MM-DD, both inclusive) keep only tasks due in range; no due date means left out."""
    alice, tasks = alice_with_mixed_tasks
    response = api.list(alice, due_from="2026-03-10", due_to="2026-04-01")
    assert _ids(response) == sorted([tasks[1]["id"], tasks[2]["id"], tasks[4]["id"]])


def test_filters_combine(api, alice_with_mixed_tasks):
    """Filters combine with AND: ?status=done&due_to=2026-03-31 is done AND due by March 31."""
    alice, tasks = alice_with_mixed_tasks
    assert _ids(api.list(alice, status="done", due_to="2026-03-31")) == [tasks[1]["id"]]


def test_unknown_status_filter_is_422(api, alice):
    """?status=bogus must be a 422 that names the parameter, not an empty list."""
    assert api.list(alice, status="bogus").status_code == 422


def test_filter_holds_on_every_page(api, alice):
    """Filters hold on every page: the next_cursor of a filtered list continues the filtered list."""
    done = [api.create(alice, title=f"d{n}", status="done")["id"] for n in range(5)]
    for n in range(5):
        api.create(alice, title=f"t{n}", status="todo")
    pages = api.walk(alice, status="done", limit=2)
    assert [len(page) for page in pages] == [2, 2, 1]
    assert sorted(item["id"] for page in pages for item in page) == sorted(done)


def test_due_from_after_due_to_is_422(api, alice):
    """?due_from later than ?due_to is a contradiction: answer 422, not an empty list."""
    assert api.list(alice, due_from="2026-05-01", due_to="2026-04-01").status_code == 422
