"""ORM models: users, their tasks, and the stored results of idempotent requests."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(32), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default="user")
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True),  # pragma: no mutate  (SQLite ignores it; PostgreSQL needs it)
        server_default=func.now(),
    )


class Task(Base):
    __tablename__ = "tasks"
    __table_args__ = (
        # GET /tasks: one user's tasks, newest first, optionally by status (keyset on id).
        Index("ix_tasks_owner_id_id", "owner_id", "id"),
        Index("ix_tasks_owner_status_id", "owner_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="todo")
    due_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    # timezone=True: PostgreSQL needs it, SQLite ignores it (so the pragmas: no check can tell).
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))  # pragma: no mutate
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))  # pragma: no mutate

    owner: Mapped[User] = relationship(lazy="raise")


class IdempotencyRecord(Base):
    """The first response to a create that carried an `Idempotency-Key`."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("user_id", "key", name="uq_idempotency_user_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(255))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    response_body: Mapped[str] = mapped_column(Text)
    # timezone=True: PostgreSQL needs it, SQLite ignores it (so the pragma: no check can tell).
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))  # pragma: no mutate
