"""Fill an empty database with demo users and tasks: `python -m app.seed`.

Creates `admin` (role admin) and `user001`..`user020`, all with the password in
SEED_PASSWORD, and SEED_TASKS tasks (10,000 by default) spread across the users.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from sqlalchemy import Engine, func, insert, select
from sqlalchemy.orm import Session

from app.db import create_schema, make_engine
from app.models import Task, User
from app.security import hash_password

DEFAULT_PASSWORD = "seed-password"  # noqa: S105  (a documented local-demo password)
USERS = 20
STATUSES = ("todo", "in_progress", "done")


def _users(password: str) -> list[dict[str, Any]]:
    names = ["admin", *(f"user{n:03d}" for n in range(1, USERS + 1))]
    return [
        {
            "username": name,
            "password_hash": hash_password(password),
            "role": "admin" if name == "admin" else "user",
        }
        for name in names
    ]


def _tasks(owner_ids: list[int], count: int) -> list[dict[str, Any]]:
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    rows = []
    for n in range(count):
        created = start + dt.timedelta(minutes=n)
        rows.append(
            {
                "owner_id": owner_ids[n % len(owner_ids)],
                "title": f"Task {n + 1}",
                "description": "Seeded for load testing.",
                "status": STATUSES[n % len(STATUSES)],
                "due_date": (created + dt.timedelta(days=n % 90)).date() if n % 4 else None,
                "created_at": created,
                "updated_at": created,
            }
        )
    return rows


def seed(engine: Engine, password: str, task_count: int) -> int:
    """Insert the demo data unless users exist already; the number of tasks inserted."""
    create_schema(engine)
    with Session(engine) as db:
        if db.scalar(select(func.count()).select_from(User)):
            return 0
        db.execute(insert(User), _users(password))
        owner_ids = list(db.scalars(select(User.id).where(User.role == "user")))
        db.execute(insert(Task), _tasks(owner_ids, task_count))
        db.commit()
    return task_count


def main() -> None:
    url = os.environ.get("DATABASE_URL", "sqlite:///./tasks.db")
    password = os.environ.get("SEED_PASSWORD", DEFAULT_PASSWORD)
    count = seed(make_engine(url), password, int(os.environ.get("SEED_TASKS", "10000")))
    print(f"seeded {count} tasks" if count else "database already has users: nothing seeded")


if __name__ == "__main__":
    main()
