"""Plan a provisioning run: what exists per learner repository, and what is still missing.

Pure: `observe` (in provision) reads GitHub into `Observed`, `plan_seat` decides the steps,
`apply` (in provision) is the only code that writes.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from orchestrator.course import Course
from orchestrator.deadline_notice import Notice, read_notice
from orchestrator.gateway import Branch, IssueInfo, Membership, RepoInfo
from orchestrator.pacing import modelled_seconds
from orchestrator.roster import Learner

FEEDBACK_BRANCH = "feedback"
FEEDBACK_TITLE = "Feedback"
SETUP_PATH = ".github/classroom/SETUP.md"


class Step(StrEnum):
    """One write of provisioning, in the order they are applied."""

    CREATE_REPO = "create repository"
    FEEDBACK_BRANCH = "feedback branch"
    SETUP_COMMIT = "setup commit"
    PROTECT_MAIN = "protect main"
    INVITE = "invite"
    OPEN_ISSUE = "assignment issue"
    OPEN_PULL = "feedback pull request"
    DEADLINE = "deadline on an issue"  # an issue shows another deadline (an extension came)


ORDER = list(Step)


@dataclass(frozen=True)
class Seat:
    """One repository to provision: a learner's, or a team's for a group assignment."""

    name: str  # the login, or the team's name
    repo: str  # owner/name
    members: tuple[str, ...]


@dataclass(frozen=True)
class Observed:
    """What GitHub holds for one seat (empty when its repository does not exist yet)."""

    repo: RepoInfo | None = None
    branches: dict[str, Branch] = field(default_factory=dict)
    issues: tuple[IssueInfo, ...] = ()
    members: dict[str, Membership] = field(default_factory=dict)


@dataclass(frozen=True)
class SeatPlan:
    seat: Seat
    steps: tuple[tuple[Step, str], ...]  # (step, argument: the login for INVITE, else "")

    @property
    def writes(self) -> int:
        return len(self.steps)


def team_slug(team: str) -> str:
    """A team name as a repository-name part: 'Team Rocket!' -> 'team-rocket'."""
    return re.sub(r"[^a-z0-9._-]+", "-", team.lower()).strip("-") or "team"


def seats(course: Course, slug: str, learners: tuple[Learner, ...]) -> list[Seat]:
    """One seat per learner, or per team when the assignment is a group assignment."""
    group = course.assignment(slug).group
    by_name: dict[str, list[str]] = {}
    for learner in learners:
        name = team_slug(learner.team) if group and learner.team else learner.login
        by_name.setdefault(name, []).append(learner.login)
    return [
        Seat(name, f"{course.org}/{course.repo_name(slug, name)}", tuple(members))
        for name, members in by_name.items()
    ]


def issue_title(title: str) -> str:
    return f"Assignment: {title}"


@dataclass(frozen=True)
class Shown:
    """The deadline the seat's issues must show, and the titles of the issues that show it."""

    notice: Notice | None = None
    titles: frozenset[str] = frozenset()


def plan_seat(
    seat: Seat,
    seen: Observed,
    title: str,
    milestones: Sequence[tuple[str, str]] = (),
    shown: Shown = Shown(),
) -> SeatPlan:
    """The writes that bring `seat` to the provisioned state, in apply order.

    `milestones` (id, issue title) are the milestone issues to open instead of the one issue
    with the whole brief (an assignment with milestones, in a course that uses them); an issue
    titled as one of `shown.titles` whose deadline is not `shown.notice` gets it."""
    issues = list(milestones) or [("", issue_title(title))]
    if seen.repo is None:
        steps: list[tuple[Step, str]] = []
        for step in ORDER:
            if step is Step.OPEN_ISSUE:
                steps += [(Step.OPEN_ISSUE, key) for key, _ in issues]
            elif step not in (Step.INVITE, Step.DEADLINE):
                steps.append((step, ""))
        steps[4:4] = [(Step.INVITE, login) for login in seat.members]
        return SeatPlan(seat, tuple(steps))
    todo: list[tuple[Step, str]] = []
    main = seen.branches.get(seen.repo.default_branch)
    feedback = seen.branches.get(FEEDBACK_BRANCH)
    has_pull = any(i.is_pull and i.title == FEEDBACK_TITLE for i in seen.issues)
    if feedback is None:
        todo.append((Step.FEEDBACK_BRANCH, ""))
    if not has_pull and (feedback is None or (main is not None and main.sha == feedback.sha)):
        todo.append((Step.SETUP_COMMIT, ""))
    if main is None or not main.protected:
        todo.append((Step.PROTECT_MAIN, ""))
    todo += [(Step.INVITE, x) for x in seat.members if seen.members.get(x, "none") == "none"]
    opened = {i.title for i in seen.issues if not i.is_pull}
    todo += [(Step.OPEN_ISSUE, key) for key, wanted in issues if wanted not in opened]
    if not has_pull:
        todo.append((Step.OPEN_PULL, ""))
    todo += [(Step.DEADLINE, str(number)) for number in stale_deadlines(seen, shown)]
    return SeatPlan(seat, tuple(todo))


def stale_deadlines(seen: Observed, shown: Shown) -> list[int]:
    """The issues of `shown.titles` that show no deadline, or another one than `shown`'s."""
    if shown.notice is None:
        return []
    return [
        i.number
        for i in seen.issues
        if not i.is_pull and i.title in shown.titles and read_notice(i.body) != shown.notice
    ]


@dataclass(frozen=True)
class Plan:
    slug: str
    seats: tuple[SeatPlan, ...]

    @property
    def writes(self) -> int:
        return sum(p.writes for p in self.seats)

    @property
    def pending(self) -> tuple[SeatPlan, ...]:
        return tuple(p for p in self.seats if p.steps)

    def step_counts(self) -> Counter[Step]:
        return Counter(step for p in self.seats for step, _ in p.steps)

    def estimate(self, per_minute: int, per_hour: int) -> float:
        """Seconds the writes take when paced under GitHub's secondary limit."""
        return modelled_seconds(self.writes, per_minute, per_hour)
