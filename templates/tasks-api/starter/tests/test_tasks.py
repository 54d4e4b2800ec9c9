def test_create_task(client, alice):
    body = {"title": "Write the launch post", "due_date": "2026-05-01"}
    response = client.post("/tasks", json=body, headers=alice)
    assert response.status_code == 201
    task = response.json()
    assert task["title"] == "Write the launch post"
    assert task["status"] == "todo"
    assert task["due_date"] == "2026-05-01"
    assert task["owner"]["username"].startswith("user_")


def test_owner_can_read_update_and_delete(client, alice):
    task_id = client.post("/tasks", json={"title": "Draft"}, headers=alice).json()["id"]
    assert client.get(f"/tasks/{task_id}", headers=alice).json()["title"] == "Draft"
    updated = client.patch(f"/tasks/{task_id}", json={"status": "done"}, headers=alice)
    assert updated.json()["status"] == "done"
    assert updated.json()["title"] == "Draft"
    assert client.delete(f"/tasks/{task_id}", headers=alice).status_code == 204
    assert client.get(f"/tasks/{task_id}", headers=alice).status_code == 404


def test_create_validates_title(client, alice):
    for title in ["", "   ", "x" * 201]:
        response = client.post("/tasks", json={"title": title}, headers=alice)
        assert response.status_code == 422, title


def test_other_users_task_is_404(client, alice, bob):
    task_id = client.post("/tasks", json={"title": "Private"}, headers=alice).json()["id"]
    assert client.get(f"/tasks/{task_id}", headers=bob).status_code == 404
    assert (
        client.patch(f"/tasks/{task_id}", json={"title": "Mine now"}, headers=bob).status_code
        == 404
    )
    assert client.delete(f"/tasks/{task_id}", headers=bob).status_code == 404
