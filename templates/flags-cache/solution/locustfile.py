"""The load profile the grader runs against your service (after `python -m app.seed`).

Each simulated user is one of the company's services asking Flagpole on every request it
serves: mostly one flag for one of its users, sometimes every flag at once (a page loading),
now and then a flag's definition (the admin console). Requests are grouped by `name`, so
`/flags/checkout-one-click/evaluate` counts as `GET /flags/{key}/evaluate`.

Every answer is checked as a caller would read it: an evaluation names its flag and user and
says on or off, a page load holds all 100 flags. A fast answer that is wrong counts as a
failed request, and failed requests count against the goals.
"""

from __future__ import annotations

import random
from typing import Any

from locust import FastHttpUser, between, task

AREAS = ("checkout", "search", "profile", "billing", "onboarding", "catalog", "orders", "support")
FEATURES = ("new-layout", "fast-path", "beta-api", "dark-mode", "recommendations",
            "typo-tolerance", "one-click", "audit-trail", "bulk-edit", "live-chat")  # fmt: skip
KEYS = [f"{area}-{feature}" for area in AREAS for feature in FEATURES]
PLANS = ("free", "pro", "team", "enterprise")
COUNTRIES = ("DE", "FR", "GB", "US", "NL", "ES", "IT", "PL", "SE", "BR", "IN", "JP")
FLAGS = 100


def asking() -> dict[str, str]:
    """One of the company's 50,000 users, with the attributes the callers know."""
    return {
        "user": f"user-{random.randrange(50_000)}",
        "plan": random.choice(PLANS),
        "country": random.choice(COUNTRIES),
    }


def problem_with_answer(body: Any, key: str, user: str) -> str | None:
    """Why `body` is not an evaluation of `key` for `user` (None: it is)."""
    if not isinstance(body, dict) or body.get("flag") != key or body.get("user") != user:
        return "not an evaluation of this flag for this user"
    if not isinstance(body.get("enabled"), bool):
        return "no enabled: true or false"
    return None


class Caller(FastHttpUser):
    wait_time = between(0.1, 0.3)

    @task(6)
    def evaluate_one_flag(self) -> None:
        key, params = random.choice(KEYS), asking()
        with self.client.get(
            f"/flags/{key}/evaluate", params=params, name="/flags/{key}/evaluate",
            catch_response=True,
        ) as resp:  # fmt: skip
            problem = (
                f"status {resp.status_code}"
                if resp.status_code != 200
                else problem_with_answer(resp.json(), key, params["user"])
            )
            if problem:
                resp.failure(problem)

    @task(3)
    def evaluate_every_flag(self) -> None:
        with self.client.get(
            "/evaluate", params=asking(), name="/evaluate", catch_response=True
        ) as resp:
            flags = resp.json().get("flags") if resp.status_code == 200 else None
            if not isinstance(flags, dict) or len(flags) != FLAGS:
                resp.failure(f"status {resp.status_code}, not the {FLAGS} flags")

    @task(1)
    def read_a_flag(self) -> None:
        key = random.choice(KEYS)
        with self.client.get(f"/flags/{key}", name="/flags/{key}", catch_response=True) as resp:
            if resp.status_code != 200 or resp.json().get("key") != key:
                resp.failure(f"status {resp.status_code}, not the flag {key}")
