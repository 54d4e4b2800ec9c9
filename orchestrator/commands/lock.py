"""`classroom lock SLUG`: once late work is no longer accepted, learners drop to read access
(or repos are archived).

Each learner's own moment counts (`lock_moment`): their deadline (their extension in
course.toml, else the assignment's) plus the late days the assignment accepts (its policy's
`max_late_days`, else the course's budget of late days): locking at the deadline would stop
the late work the policy accepts. A group repository is archived only when every member's
moment has passed. Re-running is harmless: what is already locked is left alone.

The official workflow can lock at that same moment: with `[official] lock = true` its plan
lists the seats whose last grading moment fired, and a step of its record job locks them
(`lock_seats`, through `classroom official-job lock`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from rich.console import Console
from rich.table import Table

from basis.errors import UserError
from orchestrator.course import CourseDir
from orchestrator.deadlines import late_day_end
from orchestrator.gateway import GatewayError, GitHub, RepoInfo
from orchestrator.plan import Seat, seats
from orchestrator.roster import load_roster
from orchestrator.schedule import late_window

READ_ONLY = frozenset({"read", "pull", "none"})
Mode = Literal["read", "archive"]


@dataclass(frozen=True)
class Decision:
    """What lock does (or did) to one learner's access."""

    repo: str
    who: str
    due: datetime
    action: str  # "locked", "already locked", "not due", "no repository", "failed: …"


def lock_moment(course: CourseDir, slug: str, login: str) -> datetime | None:
    """When `login`'s repository of `slug` locks: their deadline plus the late days accepted."""
    deadline = course.course.assignment(slug).deadline_of(login)
    if deadline is None:
        return None
    return late_day_end(deadline, late_window(course.course, slug))


def lock(
    course: CourseDir,
    gh: GitHub,
    slug: str,
    *,
    now: datetime | None = None,
    dry_run: bool = False,
    console: Console | None = None,
) -> int:
    """Lock every learner whose lock moment has passed; list who is not due yet."""
    say = console or Console(highlight=False)
    if course.course.assignment(slug).deadline is None:
        raise UserError(f"course.toml: assignments.{slug}.deadline is not set; add one")
    learners = load_roster(course.roster_path).require_valid().learners
    gh.whoami({"repo"})
    moment = now or datetime.now(UTC)
    existing = gh.org_repos(course.course.org)
    decisions: list[Decision] = []
    for seat in seats(course.course, slug, learners):
        repo = existing.get(seat.repo.split("/", 1)[1].lower())
        decisions += _decide(course, slug, gh, seat, repo, moment, dry_run)
    say.print(decision_table(decisions, dry_run))
    failed = [d for d in decisions if d.action.startswith("failed")]
    return 1 if failed else 0


def _decide(
    course: CourseDir,
    slug: str,
    gh: GitHub,
    seat: Seat,
    repo: RepoInfo | None,
    now: datetime,
    dry: bool,
) -> list[Decision]:
    due = {x: m for x in seat.members if (m := lock_moment(course, slug, x)) is not None}
    if course.course.lock == "archive":
        last = max(due.values())
        if now < last:
            return [Decision(seat.repo, ", ".join(seat.members), last, "not due")]
        return [_archive(gh, seat, repo, last, dry)]
    return [
        Decision(seat.repo, x, due[x], "not due" if now < due[x] else _read_only(gh, repo, x, dry))
        for x in seat.members
    ]


def lock_seat(
    gh: GitHub, seat: Seat, repo: RepoInfo | None, mode: Mode, due: datetime, dry: bool
) -> list[Decision]:
    """Lock one seat now: each member drops to read access, or the repository is archived."""
    if mode == "archive":
        return [_archive(gh, seat, repo, due, dry)]
    return [Decision(seat.repo, x, due, _read_only(gh, repo, x, dry)) for x in seat.members]


def lock_seats(
    gh: GitHub, org: str, wanted: Iterable[tuple[Seat, datetime]], mode: Mode
) -> list[Decision]:
    """Lock the seats `wanted` (each with its lock moment), whose moment the caller knows has
    come: the official run at the last grading moment."""
    chosen = list(wanted)
    existing = gh.org_repos(org) if chosen else {}
    return [
        decision
        for seat, due in chosen
        for decision in lock_seat(
            gh, seat, existing.get(seat.repo.split("/", 1)[1].lower()), mode, due, dry=False
        )
    ]


def _read_only(gh: GitHub, repo: RepoInfo | None, login: str, dry: bool) -> str:
    if repo is None:
        return "no repository"
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


def _archive(gh: GitHub, seat: Seat, repo: RepoInfo | None, due: datetime, dry: bool) -> Decision:
    who = ", ".join(seat.members)
    if repo is None:
        return Decision(seat.repo, who, due, "no repository")
    if repo.archived:
        return Decision(seat.repo, who, due, "already archived")
    if dry:
        return Decision(seat.repo, who, due, "would archive")
    try:
        gh.update_repo(repo.full_name, archived=True)
    except GatewayError as exc:
        return Decision(seat.repo, who, due, f"failed: {exc}")
    return Decision(seat.repo, who, due, "archived")


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


def format_decisions(decisions: Iterable[Decision]) -> str:
    """The decisions as Markdown lines, for a job summary."""
    return "\n".join(f"- {d.repo} ({d.who}): {d.action}" for d in decisions)
