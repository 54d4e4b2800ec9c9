"""ORM models: users, the rooms they book, and bookings. The schema comes from migrations/."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import ExcludeConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base

# timestamptz: PostgreSQL stores the instant, whatever offset it was written in.
Instant = DateTime(timezone=True)
# The name the API looks for when PostgreSQL refuses an overlapping booking (a 409).
NO_OVERLAP = "ex_bookings_no_overlap"


class User(Base):
    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("username", name="uq_users_username"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(32))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))


class Room(Base):
    __tablename__ = "rooms"
    __table_args__ = (UniqueConstraint("name", name="uq_rooms_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    capacity: Mapped[int] = mapped_column(Integer)


class Booking(Base):
    __tablename__ = "bookings"
    __table_args__ = (
        CheckConstraint("end_at > start_at", name="ck_bookings_end_after_start"),
        # No two live bookings of a room overlap: PostgreSQL checks it on every insert and
        # update, under any concurrency (its GiST index also finds a room's bookings by time).
        ExcludeConstraint(
            ("room_id", "="),
            (text("tstzrange(start_at, end_at, '[)')"), "&&"),
            name=NO_OVERLAP,
            using="gist",
            where="cancelled_at IS NULL",
        ),
        # GET /users/{id}/bookings: one user's bookings in start order (keyset on start, id).
        Index("ix_bookings_user_id_start_at_id", "user_id", "start_at", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    start_at: Mapped[dt.datetime] = mapped_column(Instant)
    end_at: Mapped[dt.datetime] = mapped_column(Instant)
    note: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[dt.datetime] = mapped_column(Instant)
    # Cancelled bookings stay for the audit trail but no longer hold their slot.
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(Instant, nullable=True)
