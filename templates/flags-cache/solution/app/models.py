"""What Flagpole stores and answers, as the API and the cache exchange it (pydantic)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Attribute = Literal["plan", "country"]
Reason = Literal["off", "rule", "rollout", "fallthrough"]


class Rule(BaseModel):
    """Serve `serve` to a user whose `attribute` is one of `one_of`."""

    model_config = ConfigDict(extra="forbid")

    attribute: Attribute
    one_of: list[str] = Field(min_length=1, max_length=100)
    serve: bool


class Flag(BaseModel):
    """A flag as stored: its kill switch, its rollout and its rules, in order."""

    key: str
    description: str
    enabled: bool
    rollout_percent: int
    rules: list[Rule]
    version: int
    updated_at: dt.datetime


class FlagChange(BaseModel):
    """PATCH /flags/{key}: the fields given change, the others stay."""

    model_config = ConfigDict(extra="forbid")

    description: str | None = Field(default=None, max_length=500)
    enabled: bool | None = None
    rollout_percent: int | None = Field(default=None, ge=0, le=100)
    rules: list[Rule] | None = Field(default=None, max_length=20)


class Evaluation(BaseModel):
    """One flag's answer for one user, and why."""

    flag: str
    user: str
    enabled: bool
    reason: Reason
    version: int


class Evaluations(BaseModel):
    """Every flag's answer for one user."""

    user: str
    flags: dict[str, bool]
