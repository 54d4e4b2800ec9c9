"""Grading moments as crons for official.yml, and a fired cron back to who is due (pure).

`classroom course push` writes one `schedule:` cron per minute at which the course has a
grading moment (`orchestrator.schedule.schedule`: each assignment's deadline, each extended
deadline, and the end of each late day that may still be accepted), in UTC as GitHub reads
crons, at the first whole minute at or after the moment (a cron cannot name seconds; grading
a minute late is safe, a minute early is not). A scheduled run gets only the cron that fired
(`github.event.schedule`); the plan job recomputes the moments from the same course.toml and
grades, for each assignment, the seats whose own moment has that cron (`due_moment`): a
seat's moments are its deadline (its members' latest) and the end of each late day after it.
GitHub may start a scheduled run many minutes late, so the run trusts the cron, not its own
clock; a cron names no year, so next year's firing finds everything graded already.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from orchestrator.course import Course
from orchestrator.plan import Seat
from orchestrator.schedule import (
    GradingMoment,
    cron_line,
    learner_moments,
    moments_for_cron,
    schedule,
)
from reporter.moments import utc

SCHEDULE_START = "# classroom:schedule-start"
SCHEDULE_END = "# classroom:schedule-end"
GRADING_REPOSITORY = "GRADING_REPOSITORY:"
MAX_PARALLEL = "max-parallel:"


@dataclass(frozen=True)
class Cron:
    """One `schedule:` entry and what it stands for."""

    cron: str
    what: tuple[str, ...]  # "tasks-api deadline", "tasks-api end of late day 1", …


def deadline_crons(course: Course) -> list[Cron]:
    """Every grading moment of the course as a cron, earliest first, each cron once."""
    found: dict[str, list[str]] = {}
    for moment in schedule(course):
        found.setdefault(cron_line(moment.at), []).append(
            f"{moment.assignment} {moment.describe()}"
        )
    return [Cron(cron, tuple(what)) for cron, what in found.items()]


def seat_owner(course: Course, slug: str, seat: Seat) -> str | None:
    """The member whose deadline is the seat's: the latest (None: no deadline)."""
    spec = course.assignment(slug)
    dated = [(utc(d), login) for login in seat.members if (d := spec.deadline_of(login))]
    return max(dated)[1] if dated else None


def seat_deadline(course: Course, slug: str, seat: Seat) -> datetime | None:
    """When `seat` is due: its members' latest deadline (None: no deadline)."""
    owner = seat_owner(course, slug, seat)
    return course.assignment(slug).deadline_of(owner) if owner is not None else None


def seat_moments(course: Course, slug: str, seat: Seat) -> list[GradingMoment]:
    """The seat's grading moments: its deadline, and the end of each late day after it."""
    owner = seat_owner(course, slug, seat)
    return learner_moments(course, slug, owner) if owner is not None else []


def due_moment(course: Course, slug: str, seat: Seat, cron: str) -> GradingMoment | None:
    """The seat's moment that `cron` fires for (None: none of its moments)."""
    found = moments_for_cron(seat_moments(course, slug, seat), cron)
    return found[0] if found else None


def due_seats(
    course: Course, slug: str, seats: Sequence[Seat], cron: str
) -> list[tuple[Seat, GradingMoment]]:
    """The seats of `slug` that `cron` fires for, each with its moment."""
    due = ((seat, due_moment(course, slug, seat, cron)) for seat in seats)
    return [(seat, moment) for seat, moment in due if moment is not None]


def render_official(
    template: str, crons: Sequence[Cron], grading_repo: str, concurrent_jobs: int
) -> str:
    """official.yml with the course's crons between the schedule markers, its grading
    repository in the workflow's env and its jobs at once as each matrix's `max-parallel`
    (a literal: GitHub takes an expression there, act does not); no deadline leaves no
    `schedule:` at all."""
    head, start, rest = template.partition(SCHEDULE_START)
    _, end, tail = rest.partition(SCHEDULE_END)
    if not start or not end:
        raise ValueError("official.yml lost its classroom:schedule markers")
    indent = head[head.rfind("\n") + 1 :]
    lines = [
        f"{SCHEDULE_START} (written by `classroom course push`: course.toml's grading moments, UTC)"
    ]
    if crons:
        lines.append("schedule:")
        lines += [f'  - cron: "{c.cron}"  # {", ".join(c.what)}' for c in crons]
    else:
        lines.append("# no deadline in course.toml: no scheduled run")
    body = f"\n{indent}".join([*lines, SCHEDULE_END])
    text = head.rstrip(" ") + indent + body + tail
    return _with_settings(text, grading_repo, concurrent_jobs)


def _with_settings(text: str, grading_repo: str, concurrent_jobs: int) -> str:
    out = []
    for line in text.splitlines(keepends=True):
        stripped = line.lstrip()
        indent = line[: len(line) - len(stripped)]
        if stripped.startswith(GRADING_REPOSITORY):
            value = f'"{grading_repo}"' if grading_repo else '""'
            line = f"{indent}{GRADING_REPOSITORY} {value}  # course.toml's grading_repo\n"
        elif stripped.startswith(MAX_PARALLEL):
            note = "# course.toml's [official] concurrent_jobs"
            line = f"{indent}{MAX_PARALLEL} {concurrent_jobs}  {note}\n"
        out.append(line)
    return "".join(out)
