"""`classroom export --format canvas|moodle|csv SLUG... [--out FILE]`: the grades that count,
as the school's gradebook imports them (orchestrator/gradebook.py has the formats).

Reads the course's roster and grades store only: no call to GitHub. Run `classroom collect`
first for the latest practice grades; official grades are in the store already.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich.console import Console

from orchestrator.course import CourseDir
from orchestrator.gradebook import (
    Format,
    Item,
    Mark,
    Match,
    Person,
    Sheet,
    people_of,
    render,
    unmatched,
)
from orchestrator.grades_store import GradedSubmission, GradesStore, load_store
from orchestrator.roster import load_roster
from orchestrator.tiers import Standing, standing

DEFAULT_NAMES = {"canvas": "canvas-grades.csv", "moodle": "moodle-grades.csv", "csv": "grades.csv"}


def export(
    course: CourseDir,
    slugs: Sequence[str],
    *,
    fmt: Format,
    out: Path | None = None,
    match: Match = "email",
    console: Console | None = None,
) -> int:
    """Write the gradebook file for `slugs`; list the learners it cannot match."""
    say = console or Console(highlight=False)
    store = load_store(course.root)
    sheet = build_sheet(course, slugs, store)
    target = out or course.root / DEFAULT_NAMES[fmt]
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render(sheet, fmt, match), encoding="utf-8", newline="")
    given = len(sheet.marks)
    say.print(
        f"wrote {target}: {len(sheet.people)} learners x {len(sheet.items)} assignments, "
        f"{given} grades ({sum(m.tier == 'official' for m in sheet.marks.values())} official)"
    )
    missing = unmatched(sheet, match)
    if missing:
        what = "email" if match == "email" else "sis_id"
        say.print(
            f"{len(missing)} learner(s) the gradebook cannot match by {what} (their rows are in "
            "the file with that identifier empty; the import lists them as unmatched):"
        )
        for person in missing:
            why = "not on the roster" if not person.on_roster else f"no {what} on the roster"
            say.print(f"  {person.login} ({person.name}): {why}")
    return 0


def build_sheet(course: CourseDir, slugs: Sequence[str], store: GradesStore) -> Sheet:
    """Everyone on the roster (and everyone graded who is not), each assignment, the marks."""
    learners = load_roster(course.roster_path).require_valid().learners
    roster = [Person(x.login, x.name, x.email, x.sis_id, x.section) for x in learners]
    graded = [login for slug in slugs for login in store.learners if store.history(slug, login)]
    people = people_of(roster, graded)
    marks: dict[tuple[str, str], Mark] = {}
    items = []
    for slug in slugs:
        title = course.course.assignment(slug).title or slug
        for person in people:
            mark = mark_of(
                standing(store.history(slug, person.login), store.attempts(slug, person.login))
            )
            if mark is not None:
                marks[(person.login, slug)] = mark
        most = max((m.max_points for (_, s), m in marks.items() if s == slug), default=100.0)
        items.append(Item(slug, title, most))
    return Sheet(people, tuple(items), marks)


def mark_of(now: Standing) -> Mark | None:
    """The mark for what counts (None: no grade yet), after the late penalty if the store has
    one for it (`penalty` of the standing, once the deadlines work records it)."""
    grade = now.grade
    if grade is None:
        return None
    penalty = _penalty(now)
    return Mark(
        points=max(0.0, grade.score - penalty),
        max_points=grade.max_score,
        tier=grade.tier,
        penalty=penalty,
        feedback_url=feedback_url(grade),
    )


def _penalty(now: Standing) -> float:
    value: Any = getattr(now, "penalty", 0.0)
    value = value() if callable(value) else value
    return float(value or 0.0)


def feedback_url(grade: GradedSubmission) -> str:
    """Where the learner reads this grade's feedback: its comment, else the pull request,
    else the repository."""
    return grade.comment_url or grade.pr_url or grade.repo_url
