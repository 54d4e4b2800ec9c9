"""The load profile the grader runs against your service (after `python -m app.seed`).

Each simulated user logs in once as one of the seeded users, then behaves like the mobile
app: mostly looking at their own bookings for a fortnight (a page or two), opening one,
booking a free-looking hour in a room (someone else sometimes got there first: a 409 is a
normal answer, not an error) and now and then cancelling a booking they made.
Requests are grouped by `name`, so `/bookings/123` counts as `GET /bookings/{id}`.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import random

from locust import FastHttpUser, between, task

PASSWORD = os.environ.get("SEED_PASSWORD", "seed-password")
SEEDED_USERS = 40
ROOMS = 20
PAGE_SIZE = 50
SEEDED_FROM = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)  # the seed's bookings fill ~2 months
NEW_FROM = dt.datetime(2027, 3, 1, 8, tzinfo=dt.UTC)  # new bookings: 90 days x 10 hours x 20 rooms
_next_user = itertools.count()


def _iso(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class MobileClient(FastHttpUser):
    wait_time = between(0.1, 0.3)

    def on_start(self) -> None:
        username = f"user{next(_next_user) % SEEDED_USERS + 1:03d}"
        response = self.client.post(
            "/auth/login", json={"username": username, "password": PASSWORD}, name="/auth/login"
        )
        self.client.auth_header = f"Bearer {response.json()['access_token']}"
        self.user_id = self.client.get("/users/me", name="/users/me").json()["id"]
        self.seen: list[int] = []
        self.mine: list[int] = []

    @task(6)
    def my_fortnight(self) -> None:
        start = SEEDED_FROM + dt.timedelta(days=random.randint(0, 50))
        window = f"from={_iso(start)}&to={_iso(start + dt.timedelta(days=14))}"
        params = f"?{window}&limit={PAGE_SIZE}"
        for _ in range(random.randint(1, 2)):
            path = f"/users/{self.user_id}/bookings{params}"
            with self.client.get(path, name="/users/{id}/bookings", catch_response=True) as resp:
                if resp.status_code != 200:
                    resp.failure(f"status {resp.status_code}")
                    return
                page = resp.json()
                items = page.get("items") if isinstance(page, dict) else None
                if not isinstance(items, list):
                    resp.failure("not a page: expected {items, next_cursor}")
                    return
                self.seen = ([item["id"] for item in items] + self.seen)[:200]
                if not page.get("next_cursor"):
                    return
                params = f"?{window}&limit={PAGE_SIZE}&cursor={page['next_cursor']}"

    @task(3)
    def open_booking(self) -> None:
        if self.seen:
            self.client.get(f"/bookings/{random.choice(self.seen)}", name="/bookings/{id}")

    @task(2)
    def book_an_hour(self) -> None:
        start = NEW_FROM + dt.timedelta(days=random.randint(0, 89), hours=random.randint(0, 9))
        body = {
            "room_id": random.randint(1, ROOMS),
            "start": _iso(start),
            "end": _iso(start + dt.timedelta(hours=1)),
            "note": "Load test",
        }
        with self.client.post(
            "/bookings", json=body, name="/bookings", catch_response=True
        ) as resp:
            if resp.status_code == 201:
                self.mine.append(resp.json()["id"])
            elif resp.status_code == 409:
                resp.success()  # someone else booked that hour first: the contract's answer
            else:
                resp.failure(f"status {resp.status_code}")

    @task(1)
    def cancel_one(self) -> None:
        if self.mine:
            booking_id = self.mine.pop(random.randrange(len(self.mine)))
            self.client.delete(f"/bookings/{booking_id}", name="/bookings/{id}")
