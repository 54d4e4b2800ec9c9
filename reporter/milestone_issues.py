"""Milestone issues: one issue per step of an assignment, opened, closed and reopened by grades.

The grade decides, never the issue's state: a milestone whose checks pass in a grade gets its
issue closed with a comment naming the commit ("done in `abc1234`: 6 of 6 checks pass") and,
one at a time, the next milestone's issue opened; a finished milestone that breaks again is
reopened with the check that broke; an issue the learner closed early is reopened at the
next grade that shows its checks failing. Only issues the grader's own identity opened, with
the milestone's label, count: a learner's look-alike issue is neither closed nor believed.

`plan_sync` is pure (what to do, from the grade and the issues that exist); `apply` does it
through the gateway. The practice report job and the official record job both call `sync`.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

import jinja2

from graders.model.assignment import LoadedAssignment, Milestone
from graders.model.report import GradeReport, MilestoneResult
from reporter.deadline_notice import IssueReader, Notice, read_notice, with_notice
from reporter.records import CommentInfo, IssueInfo


class IssueWriter(IssueReader, Protocol):
    """What keeping the issues in line needs of a gateway (the reporter's or the
    orchestrator's: the practice report job and the official record job both sync)."""

    def open_issue(
        self, full_name: str, title: str, body: str, labels: tuple[str, ...] = ()
    ) -> IssueInfo: ...
    def set_issue_state(self, full_name: str, number: int, state: str) -> None: ...
    def create_comment(self, full_name: str, number: int, body: str) -> CommentInfo: ...


Mode = Literal["one-at-a-time", "all"]


class Kind(enum.Enum):
    OPEN = "open"
    CLOSE = "close"
    REOPEN = "reopen"


PAST = {Kind.OPEN: "opened", Kind.CLOSE: "closed", Kind.REOPEN: "reopened"}


@dataclass(frozen=True)
class Action:
    """One change to one milestone's issue, with the comment that explains it."""

    kind: Kind
    milestone: str
    issue: int | None  # None: the issue is to be opened
    comment: str = ""


def assignment_label(slug: str) -> str:
    return f"assignment:{slug}"


def milestone_label(milestone_id: str) -> str:
    return f"milestone:{milestone_id}"


def issue_title(number: int, total: int, title: str) -> str:
    return f"Milestone {number} of {total}: {title}"


def issues_at_start(loaded: LoadedAssignment | None, mode: str) -> list[tuple[str, str]]:
    """(milestone id, issue title) of the issues provisioning opens: the first milestone's,
    all of them (`all`), or none (`off`, or an assignment without milestones)."""
    if loaded is None or mode == "off":
        return []
    milestones = loaded.spec.milestones
    chosen = milestones if mode == "all" else milestones[:1]
    return [(m.id, issue_title(milestones.index(m) + 1, len(milestones), m.title)) for m in chosen]


def plan_sync(
    results: Sequence[MilestoneResult],
    issues: dict[str, IssueInfo],
    *,
    commit: str,
    mode: Mode,
) -> list[Action]:
    """What to do to the issues (milestone id -> our issue) after a grade of `commit`."""
    current = next((i for i, r in enumerate(results) if r.status != "done"), len(results))
    reach = len(results) if mode == "all" else min(current + 1, len(results))
    actions: list[Action] = []
    for index, result in enumerate(results):
        issue = issues.get(result.id)
        if issue is None and index < reach:
            actions.append(Action(Kind.OPEN, result.id, None))
        state = "open" if issue is None and index < reach else (issue.state if issue else None)
        number = issue.number if issue else None
        if result.status == "done" and state == "open":
            actions.append(Action(Kind.CLOSE, result.id, number, _done(result, commit)))
        elif result.status == "in_progress" and state == "closed":
            actions.append(Action(Kind.REOPEN, result.id, number, _broken(result, commit)))
    return actions


def _done(result: MilestoneResult, commit: str) -> str:
    waiting = (
        " Its hidden checks run in the official grade, which confirms it." if result.not_run else ""
    )
    return (
        f"Done in `{commit[:7]}`: {result.passing} of {result.total} checks pass.{waiting} "
        "On to the next one."
    )


def _broken(result: MilestoneResult, commit: str) -> str:
    shown = ", ".join(f"`{name}`" for name in result.failing[:5])
    more = f" and {len(result.failing) - 5} more" if len(result.failing) > 5 else ""
    return (
        f"Reopened: in `{commit[:7]}` {result.passing} of {result.total} checks pass; "
        f"{shown}{more} must pass for this milestone to be done."
    )


# --- doing it ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Facts:
    """What a milestone's issue body may say (`{{ assignment }}`, `{{ repo }}`, …)."""

    assignment: str
    repo: str

    def render(self, text: str, number: int, total: int) -> str:
        env = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
        return env.from_string(text).render(
            assignment=self.assignment, repo=self.repo, number=number, total=total
        )


def issue_body(loaded: LoadedAssignment, milestone: Milestone, facts: Facts) -> str:
    """The issue body of `milestone`: its Markdown file, rendered with the course's facts."""
    milestones = loaded.spec.milestones
    number = milestones.index(milestone) + 1
    text = (loaded.root / milestone.body).read_text(encoding="utf-8")
    return facts.render(text, number, len(milestones))


def our_issues(gh: IssueReader, repo: str, slug: str) -> dict[str, IssueInfo]:
    """Milestone id -> its issue (the oldest if two), counting only issues opened by this
    token's identity (the report job) or by an admin of the repository (provisioning, with
    the instructor's token): never one a learner opened with look-alike labels."""
    me = gh.identity().lower()
    trusted: dict[str, bool] = {}

    def trusted_author(login: str) -> bool:
        key = login.lower()
        if key not in trusted:
            trusted[key] = key == me or gh.permission(repo, login) == "admin"
        return trusted[key]

    found: dict[str, IssueInfo] = {}
    for issue in sorted(gh.issues(repo, assignment_label(slug)), key=lambda i: i.number):
        if issue.is_pull or not trusted_author(issue.author):
            continue
        for label in issue.labels:
            if label.startswith("milestone:"):
                found.setdefault(label.removeprefix("milestone:"), issue)
    return found


def all_issue_titles(loaded: LoadedAssignment | None) -> list[str]:
    """The title of every milestone's issue (none for an assignment without milestones)."""
    if loaded is None:
        return []
    milestones = loaded.spec.milestones
    return [issue_title(n, len(milestones), m.title) for n, m in enumerate(milestones, start=1)]


def open_issue(
    gh: IssueWriter,
    repo: str,
    loaded: LoadedAssignment,
    milestone: Milestone,
    notice: Notice | None = None,
) -> IssueInfo:
    """Open `milestone`'s issue in `repo`, labelled with the assignment and the milestone, with
    the learner's deadline (`notice`) at its end."""
    milestones = loaded.spec.milestones
    number = milestones.index(milestone) + 1
    title = issue_title(number, len(milestones), milestone.title)
    body = issue_body(loaded, milestone, Facts(loaded.spec.title, repo))
    if notice is not None:
        body = with_notice(body, notice)
    labels = (assignment_label(loaded.spec.slug), milestone_label(milestone.id))
    return gh.open_issue(repo, title, body, labels)


def sync(
    gh: IssueWriter, repo: str, loaded: LoadedAssignment, graded: GradeReport, mode: Mode
) -> list[str]:
    """Bring `repo`'s milestone issues in line with `graded`; one line per change made.
    A repository without milestone issues (the course opted out: it has the brief's one
    issue) is left as it is."""
    if not graded.milestones or graded.submission.commit is None:
        return []
    issues = our_issues(gh, repo, loaded.spec.slug)
    if not issues:
        return []
    by_id = {m.id: m for m in loaded.spec.milestones}
    actions = plan_sync(graded.milestones, issues, commit=graded.submission.commit, mode=mode)
    shown = next((n for i in issues.values() if (n := read_notice(i.body))), None)
    done = []
    for action in actions:
        if action.kind is Kind.OPEN:
            found = by_id[action.milestone]
            issues[action.milestone] = open_issue(gh, repo, loaded, found, shown)
            done.append(f"opened {issues[action.milestone].html_url}")
            continue
        number = action.issue or issues[action.milestone].number
        gh.create_comment(repo, number, action.comment)
        gh.set_issue_state(repo, number, "closed" if action.kind is Kind.CLOSE else "open")
        done.append(f"{PAST[action.kind]} milestone {action.milestone} (#{number})")
    return done


def milestone_assignment(folder: Path | None) -> LoadedAssignment | None:
    """The assignment a report job was pointed at, when it has milestones."""
    if folder is None:
        return None
    from graders.model.assignment import load_assignment

    loaded = load_assignment(folder)
    return loaded if loaded.spec.milestones else None
