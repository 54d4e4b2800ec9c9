"""`classroom export --format canvas|moodle|csv SLUG... [--out FILE]`: the grades that count,
as the school's gradebook imports them (orchestrator/gradebook.py has the formats).

Reads the course's roster and grades store only: no call to GitHub. Run `classroom collect`
first for the latest practice grades, and `classroom course pull` for the official grades the
course repository's workflow recorded.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

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
from orchestrator.late_ledger import terms_of
from orchestrator.roster import load_roster
from orchestrator.standing import Standing, standings

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
    config = course.course
    for person in people:
        terms = terms_of(config, person.login)
        counting = standings(store, person.login, slugs, terms, config.late_days)
        for slug, now in counting.items():
            mark = mark_of(now)
            if mark is not None:
                marks[(person.login, slug)] = mark
    items = []
    for slug in slugs:
        title = config.assignment(slug).title or slug
        most = max((m.max_points for (_, s), m in marks.items() if s == slug), default=100.0)
        items.append(Item(slug, title, most))
    return Sheet(people, tuple(items), marks)


def mark_of(now: Standing) -> Mark | None:
    """The mark for what counts (None: no grade yet): after the late penalty; 0 for an
    official "no submission" or "too late"."""
    score, top = now.score, now.max_score
    if score is None:
        return None
    grade = now.grade
    return Mark(
        points=max(0.0, score),
        max_points=top if top is not None else 100.0,
        tier=now.points_tier or "official",
        penalty=now.penalty,
        feedback_url=feedback_url(grade) if grade is not None else _repo_of(now),
    )


def _repo_of(now: Standing) -> str:
    return now.no_submission.repo_url if now.no_submission is not None else ""


def feedback_url(grade: GradedSubmission) -> str:
    """Where the learner reads this grade's feedback: its comment, else the pull request,
    else the repository."""
    return grade.comment_url or grade.pr_url or grade.repo_url
