"""`classroom deadlines [SLUG]`: every learner's deadline, the late days they have left, and
the moments the official workflow grades at (with their cron lines). Offline: it reads
course.toml, the roster and the grades store, never GitHub."""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import Console

from orchestrator.course import CourseDir
from orchestrator.deadline_view import (
    Grades,
    deadline_rows,
    deadlines_table,
    schedule_table,
    unknown_extensions,
)
from orchestrator.grades_store import GradesStore, load_store
from orchestrator.late_ledger import graded_from_store
from orchestrator.roster import load_roster
from orchestrator.schedule import cron_lines, schedule


def deadlines(course: CourseDir, slug: str | None = None, *, console: Console | None = None) -> int:
    """Print the deadlines of `slug` (or of every assignment) and the grading schedule."""
    say = console or Console(highlight=False)
    spec = course.course
    slugs = [slug] if slug is not None else list(spec.assignments)
    for name in slugs:
        spec.assignment(name)  # an unknown slug is a UserError naming the known ones
    roster = load_roster(course.roster_path)
    if roster.problems:
        say.print(f"[yellow]{roster.path} has problems; run `classroom roster check`[/]")
    logins = [x.login for x in roster.learners]
    grades = _grades(load_store(course.root), spec.assignments, logins)
    for name in slugs:
        rows = deadline_rows(spec, logins, name, grades)
        if rows:
            say.print(deadlines_table(spec, name, rows))
        else:
            say.print(f"{name}: no deadline in course.toml")
    for line in unknown_extensions(spec, logins):
        say.print(f"[yellow]{line}[/]")
    moments = schedule(spec, slugs)
    if moments:
        say.print(schedule_table(spec, moments))
        say.print("cron lines for the official workflow (UTC, rounded up to the minute):")
        for line in cron_lines(m.at for m in moments):
            say.print(f'  - cron: "{line}"')
    return 0


def _grades(store: GradesStore, slugs: Iterable[str], logins: list[str]) -> Grades:
    """Every learner's official grades per assignment, as the late-day ledger reads them."""
    names = list(slugs)
    return {
        login: {slug: graded_from_store(store.history(slug, login)) for slug in names}
        for login in logins
    }
