"""The load profile the grader runs against your service (after `python -m app.seed`).

Each simulated user logs in once as one of the seeded users, then behaves like the web
client: mostly browsing the task list page by page, opening tasks, sometimes creating
(with an Idempotency-Key, retried now and then as a flaky network would) and updating.
Requests are grouped by `name`, so `/tasks/123` counts as `GET /tasks/{id}`.

Every answer is checked as the web client would read it: the right status, a body of the
right shape, only the user's own tasks, and the data it has just written. A fast answer that
is wrong counts as a failed request, and failed requests count against the goals. Each
simulated client sends its own browser's User-Agent.
"""

from __future__ import annotations

import itertools
import os
import random
import uuid
from typing import Any

from locust import FastHttpUser, between, task

PASSWORD = os.environ.get("SEED_PASSWORD", "seed-password")
SEEDED_USERS = 20
PAGE_SIZE = 50
STATUSES = ("todo", "in_progress", "done")
USER_AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/141.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/18.1 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:139.0) Gecko/20100101 Firefox/139.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_2 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.2 Mobile/15E148 Safari/604.1",
)
_next_user = itertools.count()


def problem_with_task(item: Any, owner: str) -> str | None:
    """Why `item` is not one of `owner`'s tasks as the API promises it (None: it is)."""
    if not isinstance(item, dict) or not isinstance(item.get("id"), int):
        return "a task without an integer id"
    if not isinstance(item.get("title"), str) or item.get("status") not in STATUSES:
        return f"task {item['id']}: title or status missing"
    if (item.get("owner") or {}).get("username") != owner:
        return f"task {item['id']} belongs to someone else"
    return None


class WebClient(FastHttpUser):
    wait_time = between(0.2, 0.6)

    def __init__(self, environment: Any) -> None:
        self.default_headers = {"User-Agent": random.choice(USER_AGENTS)}
        super().__init__(environment)

    def on_start(self) -> None:
        self.username = f"user{next(_next_user) % SEEDED_USERS + 1:03d}"
        self.task_ids: list[int] = []
        body = {"username": self.username, "password": PASSWORD}
        with self.client.post(
            "/auth/login", json=body, name="/auth/login", catch_response=True
        ) as resp:
            token = resp.json().get("access_token") if resp.status_code == 200 else None
            if not isinstance(token, str):
                resp.failure(f"status {resp.status_code}: no access_token")
                return
            self.client.auth_header = f"Bearer {token}"

    def _remember(self, items: list[dict[str, Any]]) -> None:
        self.task_ids = ([item["id"] for item in items] + self.task_ids)[:200]

    @task(6)
    def browse_list(self) -> None:
        wanted = random.choice(STATUSES) if random.random() < 0.3 else None
        params = f"?limit={PAGE_SIZE}" + (f"&status={wanted}" if wanted else "")
        seen: set[int] = set()
        for _ in range(random.randint(1, 3)):
            with self.client.get("/tasks" + params, name="/tasks", catch_response=True) as resp:
                page: Any = resp.json() if resp.status_code == 200 else None
                items = page.get("items") if isinstance(page, dict) else None
                if not isinstance(items, list) or len(items) > PAGE_SIZE:
                    resp.failure(f"status {resp.status_code}: not a page of at most {PAGE_SIZE}")
                    return
                problems = [p for p in (problem_with_task(i, self.username) for i in items) if p]
                if wanted and any(item.get("status") != wanted for item in items):
                    problems.append(f"a task whose status is not {wanted}")
                if seen & {item["id"] for item in items if isinstance(item, dict)}:
                    problems.append("a task seen on an earlier page")
                if problems:
                    resp.failure(problems[0])
                    return
                seen |= {item["id"] for item in items}
                self._remember(items)
                if not page.get("next_cursor"):
                    return
                params = f"?limit={PAGE_SIZE}&cursor={page['next_cursor']}"
                params += f"&status={wanted}" if wanted else ""

    @task(3)
    def open_task(self) -> None:
        if not self.task_ids:
            return
        task_id = random.choice(self.task_ids)
        with self.client.get(f"/tasks/{task_id}", name="/tasks/{id}", catch_response=True) as resp:
            item: Any = resp.json() if resp.status_code == 200 else None
            problem = problem_with_task(item, self.username)
            if problem or item["id"] != task_id:
                resp.failure(problem or f"asked for task {task_id}, got {item['id']}")

    @task(1)
    def create_task(self) -> None:
        key = str(uuid.uuid4())
        body = {"title": f"Load test {key[:8]}", "due_date": "2026-12-31"}
        created = self._create(body, key, (201,), None)
        if created is not None and random.random() < 0.2:
            self._create(body, key, (200, 201), created)  # a retry must answer the same task

    def _create(
        self, body: dict[str, str], key: str, ok: tuple[int, ...], same_as: int | None
    ) -> int | None:
        with self.client.post(
            "/tasks",
            json=body,
            headers={"Idempotency-Key": key},
            name="/tasks",
            catch_response=True,
        ) as resp:
            item: Any = resp.json() if resp.status_code in ok else None
            problem = problem_with_task(item, self.username)
            if not problem and item["title"] != body["title"]:
                problem = "not the task just created"
            if not problem and same_as is not None and item["id"] != same_as:
                problem = f"the retry answered task {item['id']}, not {same_as}"
            if problem:
                resp.failure(f"status {resp.status_code}: {problem}")
                return None
            self.task_ids.insert(0, item["id"])
            return int(item["id"])

    @task(1)
    def update_task(self) -> None:
        if not self.task_ids:
            return
        task_id, status = random.choice(self.task_ids), random.choice(STATUSES)
        with self.client.patch(
            f"/tasks/{task_id}", json={"status": status}, name="/tasks/{id}", catch_response=True
        ) as resp:
            item: Any = resp.json() if resp.status_code == 200 else None
            problem = problem_with_task(item, self.username)
            if problem or (item["id"], item["status"]) != (task_id, status):
                resp.failure(problem or "not the task just updated")
