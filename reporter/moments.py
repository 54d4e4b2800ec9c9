"""Moments as people read them, and the arithmetic that is safe on them: a deadline in the
course's time zone (`Fri 12 Dec 2026 23:59 UTC-5`), how long until it, how late a push came.

Shared by the reporter (a practice comment's deadline line) and the orchestrator's deadlines
and late policy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator

DAY = timedelta(hours=24)


def check_zone(value: str) -> str:
    """`value` when it names a time zone of the IANA database."""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(
            f"no time zone called {value!r}; use an IANA name such as "
            '"America/New_York", "Europe/Berlin" or "UTC"'
        ) from exc
    return value


Zone = Annotated[str, AfterValidator(check_zone)]


def utc(moment: datetime) -> datetime:
    """`moment` in UTC: the only safe form for arithmetic. Python adds to and compares two
    datetimes of the same zone by their wall clocks, so across a daylight-saving change
    `deadline + 24 h` in New York would be 23 or 25 real hours later."""
    if moment.tzinfo is None:
        raise ValueError(f"{moment.isoformat()} has no UTC offset")
    return moment.astimezone(UTC)


def days_late(pushed_at: datetime, deadline: datetime) -> int:
    """Started 24-hour days between `deadline` and `pushed_at` (0 at or before it)."""
    late = utc(pushed_at) - utc(deadline)
    if late <= timedelta(0):
        return 0
    return -(-late // DAY)


def utc_offset(moment: datetime) -> str:
    """`UTC-5`, `UTC+5:30`, `UTC` for a moment's offset."""
    offset = moment.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    if minutes == 0:
        return "UTC"
    sign, minutes = ("+" if minutes > 0 else "-"), abs(minutes)
    hours, rest = divmod(minutes, 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def format_moment(moment: datetime, zone: str = "UTC") -> str:
    """`Fri 12 Dec 2026 23:59 UTC-5`: the moment in the course's time zone."""
    local = moment.astimezone(ZoneInfo(zone))
    return f"{local:%a} {local.day} {local:%b %Y %H:%M} {utc_offset(local)}"


def format_span(span: timedelta) -> str:
    """A duration as people say it: `45 min`, `3 h`, `2 days` (rounded down; `0 min`)."""
    seconds = abs(int(span.total_seconds()))
    if seconds >= 2 * 86400:
        return f"{seconds // 86400} days"
    if seconds >= 3600:
        return f"{seconds // 3600} h"
    return f"{seconds // 60} min"


def describe_due(deadline: datetime, now: datetime, zone: str = "UTC") -> str:
    """`due Fri 12 Dec 2026 23:59 UTC-5, in 2 days` (or `…, 3 h ago`)."""
    when, left = format_moment(deadline, zone), utc(deadline) - utc(now)
    if left >= timedelta(0):
        return f"due {when}, in {format_span(left)}"
    return f"was due {when}, {format_span(-left)} ago"


def describe_push(pushed_at: datetime, deadline: datetime) -> str:
    """`pushed 3 h after the deadline: 1 late day` or `pushed 2 days before the deadline`."""
    early = utc(deadline) - utc(pushed_at)
    if early >= timedelta(0):
        return f"pushed {format_span(early)} before the deadline"
    late = days_late(pushed_at, deadline)
    days = "1 late day" if late == 1 else f"{late} late days"
    return f"pushed {format_span(-early)} after the deadline: {days}"
