"""Migrate the database, then fill it with demo data: `python -m app.seed`.

Creates `admin` (role admin) and `user001`..`user040`, all with the password in
SEED_PASSWORD, 20 rooms, and SEED_BOOKINGS bookings (12,000 by default) in early 2026.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from app import migrate
from app.config import DEFAULT_DATABASE_URL
from app.db import make_engine
from app.models import Booking, Room, User
from app.security import hash_password

DEFAULT_PASSWORD = "seed-password"  # noqa: S105  (a documented local-demo password)
USERS = 40
ROOMS = 20
FIRST_DAY = dt.datetime(2026, 1, 5, 8, tzinfo=dt.UTC)


def _users(password: str) -> list[dict[str, Any]]:
    password_hash = hash_password(password)  # one hash: argon2 is slow on purpose
    names = ["admin", *(f"user{n:03d}" for n in range(1, USERS + 1))]
    return [
        {
            "username": name,
            "password_hash": password_hash,
            "role": "admin" if name == "admin" else "user",
        }
        for name in names
    ]


def _bookings(user_ids: list[int], room_ids: list[int], count: int) -> list[dict[str, Any]]:
    """One-hour bookings, 08:00 to 18:00 every day, rooms filled side by side: no overlaps."""
    rows = []
    for n in range(count):
        slot = n // len(room_ids)
        start = FIRST_DAY + dt.timedelta(days=slot // 10, hours=slot % 10)
        rows.append(
            {
                "room_id": room_ids[n % len(room_ids)],
                "user_id": user_ids[(n * 7) % len(user_ids)],
                "start_at": start,
                "end_at": start + dt.timedelta(hours=1),
                "note": "Seeded for load testing.",
                "created_at": FIRST_DAY,
            }
        )
    return rows


def seed(url: str, password: str, booking_count: int) -> int:
    """Migrate to head, then insert the demo data unless users exist; bookings inserted."""
    migrate.upgrade(url)
    engine = make_engine(url)
    with Session(engine) as db:
        if db.scalar(select(func.count()).select_from(User)):
            return 0
        db.execute(insert(User), _users(password))
        db.execute(
            insert(Room),
            [{"name": f"Room {n:02d}", "capacity": 4 + n % 9} for n in range(1, ROOMS + 1)],
        )
        user_ids = list(db.scalars(select(User.id).where(User.role == "user")))
        room_ids = list(db.scalars(select(Room.id)))
        if booking_count:
            db.execute(insert(Booking), _bookings(user_ids, room_ids, booking_count))
        db.commit()
    engine.dispose()
    return booking_count


def main() -> None:
    url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    password = os.environ.get("SEED_PASSWORD", DEFAULT_PASSWORD)
    count = seed(url, password, int(os.environ.get("SEED_BOOKINGS", "12000")))
    print(f"seeded {count} bookings" if count else "database already has users: nothing seeded")


if __name__ == "__main__":
    main()
