"""Checks of course.toml's times: every deadline is one moment (it carries its UTC offset), an
extension moves a deadline later, and the display time zone exists. Messages say the fix."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import ValidationInfo

# Late work is accepted for at most this many days (per assignment, and as a course budget):
# GitHub keeps a repository's activity for 90 days, and every late day is a scheduled run.
MAX_LATE_DAYS = 60
LOGIN = re.compile(r"^[A-Za-z0-9](?:-?[A-Za-z0-9])*$")


def check_login(value: str) -> str:
    """`value` when it can be a GitHub username (the key of an extension)."""
    if len(value) > 39 or not LOGIN.fullmatch(value):
        raise ValueError(
            "is not a GitHub username (letters, digits, single hyphens); "
            "write the learner's username as roster.csv has it"
        )
    return value


def require_offset(value: Any, info: ValidationInfo) -> Any:
    """A deadline must be one moment: a date and time with its UTC offset."""
    zone = (info.context or {}).get("timezone")
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return value  # pydantic says what is wrong with it
        if parsed.tzinfo is None:
            raise ValueError(_no_offset(parsed, zone))
        return parsed
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError(_no_offset(value, zone))
        return value
    if isinstance(value, date):
        moment = datetime(value.year, value.month, value.day, 23, 59)
        raise ValueError(
            f"{value.isoformat()} is a day, not a moment; write the time and its UTC offset, "
            f"e.g. {_example(moment, zone)}"
        )
    return value


def require_offsets(value: Any, info: ValidationInfo) -> Any:
    """Every extension is one moment too (see `require_offset`)."""
    if not isinstance(value, dict):
        return value
    return {login: _named(login, moment, info) for login, moment in value.items()}


def _named(login: str, moment: Any, info: ValidationInfo) -> Any:
    try:
        return require_offset(moment, info)
    except ValueError as exc:
        raise ValueError(f"{login}: {exc}") from exc


def check_extensions(value: dict[str, datetime], info: ValidationInfo) -> dict[str, datetime]:
    """An extension needs the assignment's deadline and must fall after it."""
    if "deadline" not in info.data:
        return value  # the deadline itself is wrong; that error is reported already
    deadline: datetime | None = info.data["deadline"]
    if value and deadline is None:
        raise ValueError(
            "an extension moves the assignment's deadline, and this assignment has none; "
            "add deadline = … (with its UTC offset) to the assignment"
        )
    for login, moment in value.items():
        if deadline is not None and moment <= deadline:
            raise ValueError(
                f"{login}: {moment.isoformat()} is not after the deadline "
                f"{deadline.isoformat()}; an extension gives a learner a later deadline: "
                "write a later moment, or remove the line"
            )
    return value


def _no_offset(naive: datetime, zone: str | None) -> str:
    return (
        f"{naive.isoformat()} has no UTC offset, so it is not one moment anywhere; "
        f"write it with its offset, e.g. {_example(naive, zone)}"
    )


def _example(naive: datetime, zone: str | None) -> str:
    """The moment written with its offset: in the course's time zone when it names one."""
    try:
        tz = ZoneInfo(zone) if zone else None
    except (ZoneInfoNotFoundError, ValueError):
        tz = None
    if tz is None or zone == "UTC":
        return f"{naive.isoformat()}Z (UTC) or {naive.isoformat()}-05:00 (UTC-5)"
    return f"{naive.replace(tzinfo=tz).isoformat()} (that time in {zone})"
