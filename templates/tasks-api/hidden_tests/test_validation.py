def test_blank_title_is_422_naming_the_field(client, alice):
    """An empty or whitespace-only title must be a 422 whose detail names the `title` field."""
    for title in ["", "   "]:
        response = client.post("/tasks", json={"title": title}, headers=alice.headers)
        assert response.status_code == 422, f"title {title!r}: {response.status_code}"
        assert "title" in response.text


def test_title_over_200_characters_is_422(client, alice):
    """Titles longer than 200 characters must be rejected with 422."""
    response = client.post("/tasks", json={"title": "x" * 201}, headers=alice.headers)
    assert response.status_code == 422


def test_unknown_status_is_422(client, alice):
    """status must be one of todo, in_progress, done; anything else is a 422."""
    body = {"title": "Ship it", "status": "finished"}
    assert client.post("/tasks", json=body, headers=alice.headers).status_code == 422


def test_bad_due_date_is_422(client, alice):
    """due_date must be a real ISO date (YYYY-MM-DD); '2026-02-30' or 'tomorrow' is a 422."""
    for due in ["2026-02-30", "tomorrow"]:
        body = {"title": "Ship it", "due_date": due}
        assert client.post("/tasks", json=body, headers=alice.headers).status_code == 422


def test_patch_with_bad_status_is_422(client, api, alice):
    """PATCH validates like POST: an unknown status is a 422 and the task keeps its status."""
    task = api.create(alice)
    response = client.patch(f"/tasks/{task['id']}", json={"status": "later"}, headers=alice.headers)
    assert response.status_code == 422


def test_patch_changes_only_the_fields_sent(client, api, alice):
    """PATCH changes only the fields in the body; `"due_date": null` clears the due date."""
    task = api.create(alice, title="Keep me", due_date="2026-07-01")
    url = f"/tasks/{task['id']}"
    done = client.patch(url, json={"status": "done"}, headers=alice.headers).json()
    assert (done["title"], done["status"], done["due_date"]) == ("Keep me", "done", "2026-07-01")
    cleared = client.patch(url, json={"due_date": None}, headers=alice.headers).json()
    assert (cleared["title"], cleared["status"], cleared["due_date"]) == ("Keep me", "done", None)


def test_patch_cannot_null_the_title(client, api, alice):
    """PATCH with `"title": null` must not erase the title or crash: answer 422 (only due_date may be null)."""
    task = api.create(alice, title="Keep me")
    response = client.patch(f"/tasks/{task['id']}", json={"title": None}, headers=alice.headers)
    assert response.status_code in {200, 422}, f"PATCH title null: {response.status_code}"
    kept = client.get(f"/tasks/{task['id']}", headers=alice.headers)
    assert kept.json()["title"] == "Keep me"
