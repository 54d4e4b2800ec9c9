"""Deadlines as crons for official.yml, and a fired cron back to who is due (pure).

`classroom course push` writes one `schedule:` cron per deadline moment of course.toml (each
assignment's `deadline` and each extension), in UTC as GitHub reads crons, at the first whole
minute at or after the moment (a cron cannot name seconds; grading a minute late is safe,
a minute early is not). A scheduled run gets only the cron that fired
(`github.event.schedule`); the plan job recomputes the crons from the same course.toml and
grades, for each assignment, the learners whose own deadline has that cron. GitHub may start a
scheduled run many minutes late, so the run trusts the cron, not its own clock; a cron names
no year, so next year's firing finds everyone already graded and grades nobody again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from orchestrator.course import Course
from orchestrator.plan import Seat

SCHEDULE_START = "# classroom:schedule-start"
SCHEDULE_END = "# classroom:schedule-end"
GRADING_REPOSITORY = "GRADING_REPOSITORY:"
MAX_PARALLEL = "max-parallel:"


@dataclass(frozen=True)
class Cron:
    """One `schedule:` entry and what it stands for."""

    cron: str
    what: tuple[str, ...]  # "tasks-api deadline", "tasks-api extension of ada"


def minute_at_or_after(moment: datetime) -> datetime:
    """`moment` in UTC, rounded up to a whole minute."""
    utc = moment.astimezone(UTC)
    whole = utc.replace(second=0, microsecond=0)
    return whole if whole == utc else whole + timedelta(minutes=1)


def cron_of(moment: datetime) -> str:
    """The cron that fires at `moment` (rounded up to its minute), every year, in UTC."""
    at = minute_at_or_after(moment)
    return f"{at.minute} {at.hour} {at.day} {at.month} *"


def deadline_crons(course: Course) -> list[Cron]:
    """Every deadline moment of the course as a cron, earliest first, each cron once."""
    moments: dict[str, tuple[datetime, list[str]]] = {}
    for slug, assignment in sorted(course.assignments.items()):
        named = [(assignment.deadline, f"{slug} deadline")] if assignment.deadline else []
        named += [(at, f"{slug} extension of {who}") for who, at in assignment.extensions.items()]
        for moment, what in named:
            cron = cron_of(moment)
            _, whats = moments.setdefault(cron, (minute_at_or_after(moment), []))
            whats.append(what)
    ordered = sorted(moments.items(), key=lambda item: item[1][0])
    return [Cron(cron, tuple(whats)) for cron, (_, whats) in ordered]


def due_seats(course: Course, slug: str, seats: Sequence[Seat], cron: str) -> list[Seat]:
    """The seats of `slug` whose deadline has `cron` (a team's: its members' latest)."""
    assignment = course.assignment(slug)
    due = []
    for seat in seats:
        moments = [assignment.deadline_of(login) for login in seat.members]
        known = [m for m in moments if m is not None]
        if known and cron_of(max(known)) == cron:
            due.append(seat)
    return due


def seat_deadline(course: Course, slug: str, seat: Seat) -> datetime | None:
    """When `seat` is due: its members' latest deadline (None: no deadline)."""
    assignment = course.assignment(slug)
    known = [m for m in (assignment.deadline_of(x) for x in seat.members) if m is not None]
    return max(known) if known else None


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
    lines = [f"{SCHEDULE_START} (written by `classroom course push`: course.toml's deadlines, UTC)"]
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
