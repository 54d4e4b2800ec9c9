"""GitHub's date qualifiers (`created=>=2026-01-01`, `a..b`, `<…`), as pure predicates."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta


def parse_time(text: str) -> datetime:
    """An ISO 8601 date or date-time (Z or an offset; none means UTC) as an aware datetime."""
    value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _bounds(text: str) -> tuple[datetime, datetime]:
    """[start, end) of a date (the whole day) or a date-time (that second)."""
    start = parse_time(text)
    whole_day = "T" not in text and " " not in text.strip()
    return start, start + (timedelta(days=1) if whole_day else timedelta(seconds=1))


def date_filter(query: str) -> Callable[[str], bool]:
    """A predicate over ISO timestamps for one qualifier: `D`, `>D`, `>=D`, `<D`, `<=D`,
    `A..B`, `A..*`, `*..B`. Raises ValueError for anything else."""
    query = query.strip()
    if ".." in query:
        low, high = query.split("..", 1)
        checks = [] if low == "*" else [date_filter(f">={low}")]
        checks += [] if high == "*" else [date_filter(f"<={high}")]
        return lambda stamp: all(check(stamp) for check in checks)
    for op in (">=", "<=", ">", "<"):
        if query.startswith(op):
            return _compare(op, *_bounds(query[len(op) :]))
    start, end = _bounds(query)
    return lambda stamp: start <= parse_time(stamp) < end


def _compare(op: str, start: datetime, end: datetime) -> Callable[[str], bool]:
    tests: dict[str, Callable[[datetime], bool]] = {
        ">=": lambda t: t >= start,
        "<=": lambda t: t < end,
        ">": lambda t: t >= end,
        "<": lambda t: t < start,
    }
    test = tests[op]
    return lambda stamp: test(parse_time(stamp))
