"""Each learner's deadlines as rows and rich tables, for `classroom deadlines` and `classroom
roster check`. Rows are computed purely from course.toml, the roster and the grades store."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from rich.table import Table

from orchestrator.course import Course, LatePolicy
from orchestrator.deadlines import format_utc, late_day_end
from orchestrator.late_ledger import Graded, budget_left
from orchestrator.schedule import GradingMoment, cron_line, late_window
from reporter.moments import format_moment

Grades = Mapping[str, Mapping[str, Sequence[Graded]]]  # login -> slug -> official grades


@dataclass(frozen=True)
class DeadlineRow:
    """One learner's deadline on one assignment."""

    login: str
    assignment: str
    deadline: datetime
    extended: bool
    late_until: datetime | None  # the end of the last late day that may be accepted
    budget_left: int


def deadline_rows(
    course: Course, logins: Sequence[str], slug: str, grades: Grades | None = None
) -> list[DeadlineRow]:
    """A row per learner of `logins` on `slug` (none when it has no deadline)."""
    spec = course.assignment(slug)
    window = late_window(course, slug)
    rows = []
    for login in logins:
        deadline = spec.deadline_of(login)
        if deadline is None:
            continue
        until = late_day_end(deadline, window) if window else None
        left = budget_left(course, login, (grades or {}).get(login, {}))
        rows.append(
            DeadlineRow(login, slug, deadline, spec.extension_of(login) is not None, until, left)
        )
    return rows


def unknown_extensions(course: Course, logins: Iterable[str]) -> list[str]:
    """A line per extension naming someone who is not on the roster (a typo loses it)."""
    known = {login.lower() for login in logins}
    return [
        f"course.toml: assignments.{slug}.extensions: {who} is not on the roster; "
        "write their username as roster.csv has it, or remove the line"
        for slug, spec in course.assignments.items()
        for who in spec.extensions
        if who.lower() not in known
    ]


def describe_policy(course: Course, slug: str) -> str:
    """`late: 10% of full marks per day, up to 3 days; counts: latest` and the like."""
    policy = course.late_policy(slug)
    counts = f"counts: {course.counts_of(slug)}"
    return f"late: {_late_words(policy, course, slug)}; {counts}"


def _late_words(policy: LatePolicy | None, course: Course, slug: str) -> str:
    budget = course.late_days and not course.assignment(slug).group
    if policy is None:
        return f"only with late days of the budget (up to {course.late_days})" if budget else "none"
    if policy.days == 0:
        return "none"
    days = "1 day" if policy.days == 1 else f"{policy.days} days"
    cost = f"{policy.penalty:g}% of full marks per day" if policy.penalty else "no penalty"
    return f"{cost}, up to {days}" + (", budget days first" if budget and policy.penalty else "")


def deadlines_table(course: Course, slug: str, rows: Sequence[DeadlineRow]) -> Table:
    """One assignment: each learner's deadline in the course's zone and in UTC."""
    spec = course.assignment(slug)
    zone = course.timezone
    title = f"{slug}: {spec.title}" if spec.title else slug
    table = Table(title=title, caption=describe_policy(course, slug))
    table.add_column("learner")
    table.add_column(f"deadline ({zone})")
    table.add_column("deadline (UTC)")
    table.add_column("late work until")
    if course.late_days:
        table.add_column("late days left", justify="right")
    for row in rows:
        mark = " (extended)" if row.extended else ""
        cells = [
            row.login,
            format_moment(row.deadline, zone) + mark,
            format_utc(row.deadline),
            format_moment(row.late_until, zone) if row.late_until else "-",
        ]
        table.add_row(*cells, *([str(row.budget_left)] if course.late_days else []))
    return table


def deadline_matrix(course: Course, logins: Sequence[str]) -> Table | None:
    """Learners by assignment, each cell that learner's deadline (`*`: extended); None when
    no assignment has a deadline."""
    slugs = [slug for slug, spec in course.assignments.items() if spec.deadline is not None]
    if not slugs:
        return None
    table = Table(title=f"deadlines ({course.timezone}; * extended)")
    table.add_column("learner")
    for slug in slugs:
        table.add_column(slug)
    for login in logins:
        cells = []
        for slug in slugs:
            spec = course.assignments[slug]
            deadline = spec.deadline_of(login)
            star = " *" if spec.extension_of(login) is not None else ""
            cells.append((format_moment(deadline, course.timezone) + star) if deadline else "-")
        table.add_row(login, *cells)
    return table


def schedule_table(course: Course, moments: Sequence[GradingMoment]) -> Table:
    """The moments the official workflow grades at, with the cron line that wakes it."""
    table = Table(title="official grading schedule")
    for column in ("UTC", course.timezone, "assignment", "moment", "cron (UTC)"):
        table.add_column(column)
    for m in moments:
        table.add_row(
            format_utc(m.at),
            format_moment(m.at, course.timezone),
            m.assignment,
            m.describe(),
            cron_line(m.at),
        )
    return table
