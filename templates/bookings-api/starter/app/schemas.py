"""Request and response bodies."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

UNAUTHORIZED: dict[int | str, dict[str, str]] = {401: {"description": "Not authenticated"}}


class LoginIn(BaseModel):
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


class BookingIn(BaseModel):
    room_id: int
    start: str
    end: str
    note: str = ""


class BookingOut(BaseModel):
    id: int
    room_id: int
    user_id: int
    start: str
    end: str
    note: str


def documented(code: int, description: str) -> dict[int | str, dict[str, str]]:
    """An extra response for the OpenAPI document."""
    return {code: {"description": description}}
