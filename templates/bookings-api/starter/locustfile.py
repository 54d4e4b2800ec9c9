"""The load profile the grader runs against your service (after `python -m app.seed`).

Each simulated user logs in once as one of the seeded users, then behaves like the mobile
app: mostly looking at their own bookings for a fortnight (a page or two), opening one,
booking a free-looking hour in a room (someone else sometimes got there first: a 409 is a
normal answer, not an error) and now and then cancelling a booking they made.
Requests are grouped by `name`, so `/bookings/123` counts as `GET /bookings/{id}`.

Every answer is checked as the app would read it: the right status, a body of the right
shape, only the user's own bookings inside the window asked for, and the booking it has just
made. A fast answer that is wrong counts as a failed request, and failed requests count
against the goals. Each simulated user sends its own phone's User-Agent.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import random
from typing import Any

from locust import FastHttpUser, between, task

PASSWORD = os.environ.get("SEED_PASSWORD", "seed-password")
SEEDED_USERS = 40
ROOMS = 20
PAGE_SIZE = 50
SEEDED_FROM = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)  # the seed's bookings fill ~2 months
NEW_FROM = dt.datetime(2027, 3, 1, 8, tzinfo=dt.UTC)  # new bookings: 90 days x 10 hours x 20 rooms
USER_AGENTS = (
    "RoomBook/5.2.0 (iPhone; iOS 18.2; Scale/3.00)",
    "RoomBook/5.2.0 (iPad; iOS 17.7; Scale/2.00)",
    "RoomBook/5.1.3 (Android 15; Pixel 9)",
    "RoomBook/5.1.3 (Android 14; SM-S921B)",
    "okhttp/4.12.0",
)
_next_user = itertools.count()


def _iso(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _moment(value: Any) -> dt.datetime | None:
    try:
        moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
    return moment if moment is not None and moment.tzinfo is not None else None


def problem_with_booking(item: Any, user_id: int) -> str | None:
    """Why `item` is not one of the user's bookings as the contract says (None: it is)."""
    if not isinstance(item, dict) or not isinstance(item.get("id"), int):
        return "a booking without an integer id"
    if item.get("user_id") != user_id:
        return f"booking {item['id']} belongs to another user"
    start, end = _moment(item.get("start")), _moment(item.get("end"))
    if start is None or end is None or not start < end:
        return f"booking {item['id']}: start and end are not two times with an offset"
    return None


def _outside(item: dict[str, Any], start: dt.datetime, until: dt.datetime) -> str | None:
    """Why a (checked) booking does not belong to the window [start, until), if it does not."""
    begins, ends = _moment(item["start"]), _moment(item["end"])
    if begins is not None and ends is not None and begins < until and ends > start:
        return None
    return f"booking {item['id']} is outside the window asked for"


class MobileClient(FastHttpUser):
    wait_time = between(0.2, 0.6)

    def __init__(self, environment: Any) -> None:
        self.default_headers = {"User-Agent": random.choice(USER_AGENTS)}
        super().__init__(environment)

    def on_start(self) -> None:
        username = f"user{next(_next_user) % SEEDED_USERS + 1:03d}"
        self.seen: list[int] = []
        self.mine: list[int] = []
        self.user_id = -1
        with self.client.post(
            "/auth/login",
            json={"username": username, "password": PASSWORD},
            name="/auth/login",
            catch_response=True,
        ) as resp:
            token = resp.json().get("access_token") if resp.status_code == 200 else None
            if not isinstance(token, str):
                resp.failure(f"status {resp.status_code}: no access_token")
                return
        self.client.auth_header = f"Bearer {token}"
        with self.client.get("/users/me", name="/users/me", catch_response=True) as resp:
            me: Any = resp.json() if resp.status_code == 200 else None
            if not isinstance(me, dict) or me.get("username") != username:
                resp.failure(f"status {resp.status_code}: not the user who logged in")
                return
            self.user_id = me["id"]

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
                if not isinstance(items, list) or len(items) > PAGE_SIZE:
                    resp.failure("not a page: expected {items, next_cursor}")
                    return
                until = start + dt.timedelta(days=14)
                problems = [
                    problem_with_booking(i, self.user_id) or _outside(i, start, until)
                    for i in items
                ]
                if any(problems):
                    resp.failure(next(p for p in problems if p))
                    return
                self.seen = ([item["id"] for item in items] + self.seen)[:200]
                if not page.get("next_cursor"):
                    return
                params = f"?{window}&limit={PAGE_SIZE}&cursor={page['next_cursor']}"

    @task(3)
    def open_booking(self) -> None:
        if not self.seen:
            return
        booking_id = random.choice(self.seen)
        with self.client.get(
            f"/bookings/{booking_id}", name="/bookings/{id}", catch_response=True
        ) as resp:
            item: Any = resp.json() if resp.status_code == 200 else None
            problem = problem_with_booking(item, self.user_id)
            if problem or item["id"] != booking_id:
                resp.failure(problem or f"asked for booking {booking_id}, got {item['id']}")

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
                item = resp.json()
                problem = problem_with_booking(item, self.user_id)
                if not problem and (item.get("room_id"), _moment(item["start"])) != (
                    body["room_id"],
                    start,
                ):
                    problem = "not the booking just made"
                if problem:
                    resp.failure(problem)
                else:
                    self.mine.append(item["id"])
            elif resp.status_code == 409:
                resp.success()  # someone else booked that hour first: the contract's answer
            else:
                resp.failure(f"status {resp.status_code}")

    @task(1)
    def cancel_one(self) -> None:
        if self.mine:
            booking_id = self.mine.pop(random.randrange(len(self.mine)))
            with self.client.delete(
                f"/bookings/{booking_id}", name="/bookings/{id}", catch_response=True
            ) as resp:
                if resp.status_code != 204:
                    resp.failure(f"status {resp.status_code}: cancelling one's own booking")
