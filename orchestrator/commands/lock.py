"""`classroom lock SLUG`: at the deadline, learners drop to read access (or repos are archived).

Each learner's own deadline counts: their extension in course.toml, else the assignment's.
A group repository is archived only when every member's deadline has passed. Re-running is
harmless: what is already locked is left alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from rich.console import Console
from rich.table import Table

from graders.errors import UserError
from orchestrator.course import Assignment, CourseDir
from orchestrator.gateway import GatewayError, GitHub, RepoInfo
from orchestrator.plan import Seat, seats
from orchestrator.roster import load_roster

READ_ONLY = frozenset({"read", "pull", "none"})


@dataclass(frozen=True)
class Decision:
    """What lock does (or did) to one learner's access."""

    repo: str
    who: str
    due: datetime
    action: str  # "locked", "already locked", "not due", "no repository", "failed: …"


def lock(
    course: CourseDir,
    gh: GitHub,
    slug: str,
    *,
    now: datetime | None = None,
    dry_run: bool = False,
    console: Console | None = None,
) -> int:
    """Lock every learner whose deadline has passed; list who is not due yet."""
    say = console or Console(highlight=False)
    assignment = course.course.assignment(slug)
    if assignment.deadline is None:
        raise UserError(f"course.toml: assignments.{slug}.deadline is not set; add one")
    learners = load_roster(course.roster_path).require_valid().learners
    gh.whoami({"repo"})
    moment = now or datetime.now(UTC)
    existing = gh.org_repos(course.course.org)
    archive = course.course.lock == "archive"
    decisions: list[Decision] = []
    for seat in seats(course.course, slug, learners):
        repo = existing.get(seat.repo.split("/", 1)[1].lower())
        step = _archive_seat if archive else _read_only_seat
        decisions += step(gh, seat, repo, assignment, moment, dry_run)
    say.print(decision_table(decisions, dry_run))
    failed = [d for d in decisions if d.action.startswith("failed")]
    return 1 if failed else 0


def _read_only_seat(
    gh: GitHub, seat: Seat, repo: RepoInfo | None, assignment: Assignment, now: datetime, dry: bool
) -> list[Decision]:
    decisions = []
    for login in seat.members:
        due = assignment.deadline_of(login)
        assert due is not None  # the assignment has a deadline
        decisions.append(
            Decision(seat.repo, login, due, _read_only(gh, repo, login, due, now, dry))
        )
    return decisions


def _read_only(
    gh: GitHub, repo: RepoInfo | None, login: str, due: datetime, now: datetime, dry: bool
) -> str:
    if repo is None:
        return "no repository"
    if now < due:
        return "not due"
    try:
        if (
            gh.permission(repo.full_name, login) in READ_ONLY
            and gh.membership(repo.full_name, login) != "invited"
        ):
            return "already locked"
        if not dry:
            gh.invite(repo.full_name, login, "pull")
    except GatewayError as exc:
        return f"failed: {exc}"
    return "would lock" if dry else "locked"


def _archive_seat(
    gh: GitHub, seat: Seat, repo: RepoInfo | None, assignment: Assignment, now: datetime, dry: bool
) -> list[Decision]:
    due = max(d for d in (assignment.deadline_of(x) for x in seat.members) if d)
    who = ", ".join(seat.members)
    if repo is None:
        return [Decision(seat.repo, who, due, "no repository")]
    if now < due:
        return [Decision(seat.repo, who, due, "not due")]
    if repo.archived:
        return [Decision(seat.repo, who, due, "already archived")]
    if dry:
        return [Decision(seat.repo, who, due, "would archive")]
    try:
        gh.update_repo(repo.full_name, archived=True)
    except GatewayError as exc:
        return [Decision(seat.repo, who, due, f"failed: {exc}")]
    return [Decision(seat.repo, who, due, "archived")]


def decision_table(decisions: list[Decision], dry_run: bool) -> Table:
    """One row per learner (or group repository): due time and what happened."""
    table = Table(title="lock (dry run)" if dry_run else "lock")
    table.add_column("repository", overflow="fold")
    for column in ("learner", "due", "result"):
        table.add_column(column)
    for d in decisions:
        due = d.due.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
        table.add_row(d.repo, d.who, due, d.action)
    return table
