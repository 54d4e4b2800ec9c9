"""Request and response bodies, as docs/openapi.yaml defines them: validated at the edge."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

MAX_LENGTH = dt.timedelta(hours=8)
Note = Annotated[str, Field(max_length=500)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LoginIn(_In):
    username: Annotated[str, Field(max_length=32)]
    password: Annotated[str, Field(max_length=128)]


class TokenOut(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105  (OAuth2 token type, not a secret)
    expires_in: int


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    role: Literal["user", "admin"]


class RoomOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    capacity: int


class BookingIn(_In):
    """A new booking: an offset is required on both times (naive times are ambiguous)."""

    room_id: Annotated[int, Field(ge=1)]
    start: AwareDatetime
    end: AwareDatetime
    note: Note = ""

    @model_validator(mode="after")
    def _a_real_interval(self) -> BookingIn:
        if self.end <= self.start:
            raise ValueError("end must be after start")
        if self.end - self.start > MAX_LENGTH:
            raise ValueError("a booking lasts at most 8 hours")
        return self


class BookingOut(BaseModel):
    """A booking; times are in UTC."""

    id: int
    room_id: int
    user_id: int
    start: AwareDatetime
    end: AwareDatetime
    note: str
    created_at: AwareDatetime


class BookingPage(BaseModel):
    items: list[BookingOut]
    next_cursor: str | None


class ErrorOut(BaseModel):
    detail: str


def documented(code: int, description: str) -> dict[int | str, dict[str, Any]]:
    """An error response for the OpenAPI document: `{"detail": "..."}` with `code`."""
    return {code: {"model": ErrorOut, "description": description}}


UNAUTHORIZED = documented(401, "Missing, invalid or expired token")
