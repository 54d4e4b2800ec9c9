import datetime as dt

import pytest

SEEDED_TASKS, SEEDED_USERS = 10_000, 20


@pytest.fixture
def user002_seeded_tasks(api, seed_password):
    who = api.login("user002", seed_password)
    return who, [task for page in api.walk(who, limit=100) for task in page]


def test_seed_creates_admin_and_every_user(client, api, seed_password):
    """`python -m app.seed` must create `admin` (role admin) and user001..user020 (role user), all with SEED_PASSWORD."""
    for username, role in [("admin", "admin"), ("user001", "user"), ("user020", "user")]:
        who = api.login(username, seed_password)
        assert client.get("/users/me", headers=who.headers).json()["role"] == role, username


def test_seed_spreads_its_tasks_evenly_over_the_users(user002_seeded_tasks):
    """Keep the seed as shipped (the load test relies on it): 10,000 tasks spread evenly over user001..user020."""
    who, tasks = user002_seeded_tasks
    assert len(tasks) == SEEDED_TASKS // SEEDED_USERS
    assert {task["owner"]["username"] for task in tasks} == {who.username}
    numbers = [int(task["title"].removeprefix("Task ")) for task in tasks]
    assert len(set(numbers)) == len(numbers)
    assert all(1 <= number <= SEEDED_TASKS for number in numbers)


def test_seeded_tasks_are_newest_first_and_due_after_creation(user002_seeded_tasks):
    """Keep the seed as shipped: a later seeded task was created later, and none is due before it was created."""
    _, tasks = user002_seeded_tasks
    created = [dt.datetime.fromisoformat(task["created_at"]) for task in tasks]
    assert created == sorted(created, reverse=True)
    for task, made in zip(tasks, created, strict=True):
        if task["due_date"] is not None:
            assert dt.date.fromisoformat(task["due_date"]) >= made.date(), task
