"""Request and response bodies: validation happens here, at the edge of the service."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

TaskStatus = Literal["todo", "in_progress", "done"]
Username = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]{3,32}$")]
Password = Annotated[str, Field(min_length=8, max_length=128)]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Description = Annotated[str, Field(max_length=2000)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Credentials(_In):
    username: Username
    password: Password


class LoginIn(_In):
    username: Annotated[str, Field(max_length=32)]
    password: Annotated[str, Field(max_length=128)]


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    role: str


class TokenOut(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105  (OAuth2 token type, not a secret)
    expires_in: int


class TaskCreate(_In):
    title: Title
    description: Description = ""
    status: TaskStatus = "todo"
    due_date: dt.date | None = None


class TaskUpdate(_In):
    """A partial update: only the fields sent change; `due_date: null` clears the date."""

    title: Title | None = None
    description: Description | None = None
    status: TaskStatus | None = None
    due_date: dt.date | None = None

    @field_validator("title", "description", "status")
    @classmethod
    def _not_null(cls, value: str | None) -> str:
        if value is None:
            raise ValueError("may be omitted, but not null")
        return value


class OwnerOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str


class TaskOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    description: str
    status: TaskStatus
    due_date: dt.date | None
    owner: OwnerOut
    created_at: dt.datetime
    updated_at: dt.datetime

    @field_validator("created_at", "updated_at")
    @classmethod
    def _as_utc(cls, value: dt.datetime) -> dt.datetime:
        # SQLite hands back naive datetimes; every timestamp we store is UTC.
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


class TaskPage(BaseModel):
    items: list[TaskOut]
    next_cursor: str | None
