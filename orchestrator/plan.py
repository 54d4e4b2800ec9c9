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
from typing import Any

from orchestrator.course import Course
from orchestrator.gateway import Branch, IssueInfo, Membership, RepoInfo
from orchestrator.pacing import modelled_seconds
from orchestrator.roster import Learner
from reporter.deadline_notice import Notice, read_notice

FEEDBACK_BRANCH = "feedback"
FEEDBACK_TITLE = "Feedback"
SETUP_PATH = ".github/classroom/SETUP.md"

# GraphQL: what provisioning reads of each existing repository (100 per query). Pending
# invitations are not in GitHub's GraphQL schema: members missing here are looked up in REST.
SEAT_SELECTION = """{
  nameWithOwner isPrivate isArchived isTemplate url visibility createdAt
  defaultBranchRef { name target { oid } branchProtectionRule { pattern } }
  refs(refPrefix: "refs/heads/", first: 100) { nodes { name target { oid } } }
  issues(first: 100, orderBy: {field: CREATED_AT, direction: ASC}) {
    nodes { number title body state url author { login } } }
  pullRequests(first: 10, baseRefName: $feedback) { nodes { number title url } }
  collaborators(first: 100, affiliation: DIRECT) { nodes { login } }
}"""
SEAT_VARIABLES = "$feedback: String!"


class Step(StrEnum):
    """One write of provisioning, in the order they are applied."""

    CREATE_REPO = "create repository"
    FEEDBACK_BRANCH = "feedback branch"
    SETUP_COMMIT = "setup commit"
    PROTECT_MAIN = "protect main"
    RULESET = "organization ruleset"
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


@dataclass(frozen=True)
class Options:
    """What provisioning sets up in each repository (course.toml's [repos])."""

    feedback: bool = False  # the Feedback pull request (3 writes)
    protect_branch: bool = False  # a branch protection of main (1 write)


def plan_seat(
    seat: Seat,
    seen: Observed,
    title: str,
    milestones: Sequence[tuple[str, str]] = (),
    options: Options = Options(),
    shown: Shown = Shown(),
) -> SeatPlan:
    """The writes that bring `seat` to the provisioned state, in apply order.

    `milestones` (id, issue title) are the milestone issues to open instead of the one issue
    with the whole brief (an assignment with milestones, in a course that uses them); an issue
    titled as one of `shown.titles` whose deadline is not `shown.notice` gets it."""
    issues = list(milestones) or [("", issue_title(title))]
    if seen.repo is None:
        return SeatPlan(seat, tuple(_new_repository(seat, issues, options)))
    todo: list[tuple[Step, str]] = []
    main = seen.branches.get(seen.repo.default_branch)
    if options.feedback:
        todo += _feedback_start(seen, main)
    if options.protect_branch and (main is None or not main.protected):
        todo.append((Step.PROTECT_MAIN, ""))
    todo += [(Step.INVITE, x) for x in seat.members if seen.members.get(x, "none") == "none"]
    opened = {i.title for i in seen.issues if not i.is_pull}
    todo += [(Step.OPEN_ISSUE, key) for key, wanted in issues if wanted not in opened]
    if options.feedback and not _has_pull(seen):
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


def _new_repository(
    seat: Seat, issues: list[tuple[str, str]], options: Options
) -> list[tuple[Step, str]]:
    steps = [(Step.CREATE_REPO, "")]
    if options.feedback:
        steps += [(Step.FEEDBACK_BRANCH, ""), (Step.SETUP_COMMIT, "")]
    if options.protect_branch:
        steps.append((Step.PROTECT_MAIN, ""))
    steps += [(Step.INVITE, login) for login in seat.members]
    steps += [(Step.OPEN_ISSUE, key) for key, _ in issues]
    if options.feedback:
        steps.append((Step.OPEN_PULL, ""))
    return steps


def _has_pull(seen: Observed) -> bool:
    return any(i.is_pull and i.title == FEEDBACK_TITLE for i in seen.issues)


def _feedback_start(seen: Observed, main: Branch | None) -> list[tuple[Step, str]]:
    feedback = seen.branches.get(FEEDBACK_BRANCH)
    todo = [] if feedback is not None else [(Step.FEEDBACK_BRANCH, "")]
    if not _has_pull(seen) and (
        feedback is None or (main is not None and main.sha == feedback.sha)
    ):
        todo.append((Step.SETUP_COMMIT, ""))
    return todo


# --- the organization ruleset that keeps every learner repository's main to pull requests ----


def ruleset_name(slug: str) -> str:
    return f"classroom: {slug}"


def ruleset_spec(course: Course, slug: str) -> dict[str, Any]:
    """The ruleset protecting `slug`'s learner repositories: their default branch takes
    changes through pull requests only, no force push, no deletion; org admins bypass."""
    pattern = course.repos.name.format(assignment=slug, login="*")
    return {
        "name": ruleset_name(slug),
        "target": "branch",
        "enforcement": "active",
        "conditions": {
            "ref_name": {"include": ["~DEFAULT_BRANCH"], "exclude": []},
            "repository_name": {
                "include": [pattern],
                "exclude": [course.template_name(slug)],
                "protected": False,
            },
        },
        "rules": [
            {"type": "deletion"},
            {"type": "non_fast_forward"},
            {
                "type": "pull_request",
                "parameters": {
                    "required_approving_review_count": 0,
                    "dismiss_stale_reviews_on_push": False,
                    "require_code_owner_review": False,
                    "require_last_push_approval": False,
                    "required_review_thread_resolution": False,
                },
            },
        ],
        "bypass_actors": [
            {"actor_id": 1, "actor_type": "OrganizationAdmin", "bypass_mode": "always"}
        ],
    }


def plan_ruleset(found: dict[str, Any] | None, wanted: dict[str, Any]) -> tuple[Step, ...]:
    """The write the ruleset needs: none when `found` already says what `wanted` says."""
    if found is None:
        return (Step.RULESET,)
    same = all(found.get(key) == wanted[key] for key in ("enforcement", "conditions", "rules"))
    return () if same else (Step.RULESET,)


@dataclass(frozen=True)
class Plan:
    slug: str
    seats: tuple[SeatPlan, ...]
    shared: tuple[Step, ...] = ()  # writes for the whole class (the ruleset), applied first
    later: int = 0  # seats left for a later run (beyond this run's sitting)

    @property
    def writes(self) -> int:
        return len(self.shared) + sum(p.writes for p in self.seats)

    def sitting(self, budget: int) -> Plan:
        """The part of the plan a run of at most `budget` writes does: the shared writes, then
        whole seats in order while they fit (at least one, so every run makes progress)."""
        chosen: list[SeatPlan] = []
        used = len(self.shared)
        pending = [p for p in self.seats if p.steps]
        for seat_plan in pending:
            if chosen and used + seat_plan.writes > budget:
                break
            chosen.append(seat_plan)
            used += seat_plan.writes
        return Plan(self.slug, tuple(chosen), self.shared, len(pending) - len(chosen))

    @property
    def pending(self) -> tuple[SeatPlan, ...]:
        return tuple(p for p in self.seats if p.steps)

    @property
    def has_work(self) -> bool:
        return bool(self.shared or self.pending)

    def step_counts(self) -> Counter[Step]:
        counts = Counter(step for p in self.seats for step, _ in p.steps)
        counts.update(self.shared)
        return counts

    def estimate(self, per_minute: int, per_hour: int) -> float:
        """Seconds the writes take when paced under GitHub's secondary limit."""
        return modelled_seconds(self.writes, per_minute, per_hour)
