def test_other_user_cannot_read_my_task(client, api, alice, bob):
    """A user must not read another user's task by id: answer 404 (or 403), never the task."""
    task = api.create(alice)
    assert client.get(f"/tasks/{task['id']}", headers=bob.headers).status_code in {403, 404}


def test_other_user_cannot_update_my_task(client, api, alice, bob):
    """A user must not change another user's task (PATCH gets 404 or 403, the task is unchanged)."""
    task = api.create(alice, title="Mine")
    response = client.patch(f"/tasks/{task['id']}", json={"title": "Hacked"}, headers=bob.headers)
    assert response.status_code in {403, 404}
    assert client.get(f"/tasks/{task['id']}", headers=alice.headers).json()["title"] == "Mine"


def test_other_user_cannot_delete_my_task(client, api, alice, bob):
    """A user must not delete another user's task (404 or 403), and the task must survive."""
    task = api.create(alice)
    assert client.delete(f"/tasks/{task['id']}", headers=bob.headers).status_code in {403, 404}
    assert client.get(f"/tasks/{task['id']}", headers=alice.headers).status_code == 200


def test_list_shows_only_my_tasks(api, alice, bob):
    """GET /tasks must list only the caller's own tasks, never other users'."""
    api.create(alice)
    mine = api.create(bob)
    items = api.list(bob).json()["items"]
    assert [item["id"] for item in items] == [mine["id"]]


def test_admin_can_list_read_and_update_any_task(client, api, admin, alice):
    """An admin may list, read and update any user's task (the newest task of any user is first)."""
    task = api.create(alice)
    listed = api.list(admin, limit=5)
    assert listed.status_code == 200
    assert listed.json()["items"][0]["id"] == task["id"]
    assert client.get(f"/tasks/{task['id']}", headers=admin.headers).status_code == 200
    response = client.patch(f"/tasks/{task['id']}", json={"status": "done"}, headers=admin.headers)
    assert response.status_code == 200
    assert client.get(f"/tasks/{task['id']}", headers=alice.headers).json()["status"] == "done"


def test_owner_id_in_body_cannot_assign_task_to_someone_else(client, api, alice, bob):
    """A create with `owner_id` in the body must not make a task for someone else: 422 or ignore it."""
    body = {"title": "Sneaky", "owner_id": bob.id}
    response = client.post("/tasks", json=body, headers=alice.headers)
    assert response.status_code in {201, 422}
    assert api.list(bob).json()["items"] == []
