"""What Flagpole stores and answers, as the API and the cache exchange it (pydantic)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel

Reason = Literal["off", "rule", "rollout", "fallthrough"]


class Rule(BaseModel):
    """Serve `serve` to a user whose `attribute` is one of `one_of`."""

    attribute: str
    one_of: list[str]
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

    description: str | None = None
    enabled: bool | None = None
    rollout_percent: int | None = None
    rules: list[Rule] | None = None


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
