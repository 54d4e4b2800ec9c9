"""The load profile the grader runs against your service (after `python -m app.seed`).

Each simulated user logs in once as one of the seeded users, then behaves like the web
client: mostly browsing the task list page by page, opening tasks, sometimes creating
(with an Idempotency-Key, retried now and then as a flaky network would) and updating.
Requests are grouped by `name`, so `/tasks/123` counts as `GET /tasks/{id}`.
"""

from __future__ import annotations

import itertools
import os
import random
import uuid

from locust import FastHttpUser, between, task

PASSWORD = os.environ.get("SEED_PASSWORD", "seed-password")
SEEDED_USERS = 20
PAGE_SIZE = 50
_next_user = itertools.count()


class WebClient(FastHttpUser):
    wait_time = between(0.1, 0.3)

    def on_start(self) -> None:
        username = f"user{next(_next_user) % SEEDED_USERS + 1:03d}"
        response = self.client.post(
            "/auth/login", json={"username": username, "password": PASSWORD}, name="/auth/login"
        )
        token = response.json()["access_token"]
        self.client.auth_header = f"Bearer {token}"
        self.task_ids: list[int] = []

    def _remember(self, items: list[dict[str, object]]) -> None:
        ids = [item["id"] for item in items if isinstance(item.get("id"), int)]
        self.task_ids = (ids + self.task_ids)[:200]

    @task(6)
    def browse_list(self) -> None:
        params = f"?limit={PAGE_SIZE}"
        if random.random() < 0.3:
            params += "&status=" + random.choice(["todo", "in_progress", "done"])
        for _ in range(random.randint(1, 3)):
            with self.client.get("/tasks" + params, name="/tasks", catch_response=True) as resp:
                if resp.status_code != 200:
                    resp.failure(f"status {resp.status_code}")
                    return
                page = resp.json()
                self._remember(page.get("items", []))
                if not page.get("next_cursor"):
                    return
                params = f"?limit={PAGE_SIZE}&cursor={page['next_cursor']}"

    @task(3)
    def open_task(self) -> None:
        if self.task_ids:
            self.client.get(f"/tasks/{random.choice(self.task_ids)}", name="/tasks/{id}")

    @task(1)
    def create_task(self) -> None:
        key = str(uuid.uuid4())
        body = {"title": f"Load test {key[:8]}", "due_date": "2026-12-31"}
        headers = {"Idempotency-Key": key}
        self.client.post("/tasks", json=body, headers=headers, name="/tasks")
        if random.random() < 0.2:
            self.client.post("/tasks", json=body, headers=headers, name="/tasks")

    @task(1)
    def update_task(self) -> None:
        if self.task_ids:
            status = random.choice(["todo", "in_progress", "done"])
            self.client.patch(
                f"/tasks/{random.choice(self.task_ids)}",
                json={"status": status},
                name="/tasks/{id}",
            )
