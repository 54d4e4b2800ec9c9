"""One line of the grades store: a grade (`GradedSubmission`), an official grade attempted and
not given (`NotGraded`), or "no submission" found by an official run (`NoSubmission`); how a
grade report becomes a line, and how a line is written (sorted keys, one line of JSON).
`orchestrator.grades_store` keeps them in files and reads them back.
"""

from __future__ import annotations

import json
from datetime import datetime
from functools import cached_property
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from basis.errors import UserError
from graders.model.report import GradeReport, StageResult, Status, ordered
from graders.stages.registry import StageName

LOGIN_PATTERN = r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$"
SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]*$"

Login = Annotated[str, Field(pattern=LOGIN_PATTERN)]
Slug = Annotated[str, Field(pattern=SLUG_PATTERN)]
# Links end up in the dashboard's href attributes: web addresses only, never `javascript:`.
WebUrl = Annotated[str, Field(pattern=r"^(https?://\S+)?$")]


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Tier = Literal["practice", "official"]


class PutBack(_Record):
    """A protected file the submission changed, removed or added; the official grade put it back."""

    path: str
    change: Literal["changed", "removed", "added"]


class StageRecord(_Record):
    """How one stage of a graded submission ended, and which of its checks failed."""

    name: StageName
    status: Status
    score: float
    max_score: float
    failed_checks: tuple[str, ...] = ()


class MilestoneRecord(_Record):
    """One milestone of an issue-based assignment, and whether this grade had it done."""

    id: str
    title: str
    done: bool


class GradedSubmission(_Record):
    """One graded commit of one learner on one assignment: a line of the store."""

    learner: Login
    assignment: Slug
    commit: str
    graded_at: AwareDatetime
    # A line that does not say it is official is not: official grades are written by the
    # record job, which always says so.
    tier: Tier = "practice"
    score: float
    max_score: float
    stages: tuple[StageRecord, ...]
    repo_url: WebUrl = ""
    pr_url: WebUrl = ""
    comment_url: WebUrl = ""
    grader_version: str = ""
    grader_commit: str = ""  # the grading engine's commit, when the grade names it
    integrity: tuple[PutBack, ...] = ()  # official grades: the protected files put back
    reason: str = ""  # why this grade was computed: "deadline", "regrade: hidden check fixed"
    milestones: tuple[MilestoneRecord, ...] = ()  # in the assignment's order
    # Official grades judged against a deadline keep the raw facts: when the commit became the
    # head of the default branch (the server's record of pushes) and the learner's own
    # deadline it was judged against. Lateness, penalty and budget are computed when the store
    # is read (`late_ledger`), so a change of policy never needs the store rewritten.
    pushed_at: AwareDatetime | None = None
    deadline: AwareDatetime | None = None

    @property
    def percent(self) -> float:
        return 100.0 * self.score / self.max_score if self.max_score else 0.0

    @cached_property
    def failed_checks(self) -> tuple[tuple[StageName, str], ...]:
        """(stage, check) for every check this submission failed, in stage order."""
        return tuple((s.name, check) for s in self.stages for check in s.failed_checks)

    def stage(self, name: StageName) -> StageRecord | None:
        """The record of stage `name`, if the report had it."""
        return next((s for s in self.stages if s.name == name), None)


class NotGraded(_Record):
    """An official grade attempted for a learner's commit that could not be given.

    It carries the cause (`not_graded`: "the grade job of chunk 3 did not finish") and no
    score, so nothing can read it as a 0; the next official run grades that learner again.
    """

    learner: Login
    assignment: Slug
    commit: str = ""  # the commit the plan chose; empty when none could be chosen
    attempted_at: AwareDatetime
    tier: Literal["official"] = "official"
    not_graded: Annotated[str, Field(min_length=1)]
    grader_commit: str = ""
    reason: str = ""
    repo_url: WebUrl = ""


class NoSubmission(_Record):
    """An official run at a learner's deadline (or at the end of a late day) found no push of
    theirs on the default branch: only provisioning's commits were there.

    A result, not an error: it reads as 0 with the words "no submission", unless later work is
    graded and accepted (`late_ledger`). Recorded once per learner and deadline.
    """

    learner: Login
    assignment: Slug
    recorded_at: AwareDatetime
    checked_at: AwareDatetime  # the moment judged: the deadline, or the end of a late day
    deadline: AwareDatetime  # the learner's own deadline then
    tier: Literal["official"] = "official"
    no_submission: Literal[True] = True  # names the kind of line (see `_parse_line`)
    commit: str = ""  # the head then (the template's or the setup commit), for the record
    reason: str = ""
    repo_url: WebUrl = ""


StoreLine = GradedSubmission | NotGraded | NoSubmission


def moment(line: StoreLine) -> datetime:
    """When a line happened: graded, attempted, or recorded."""
    if isinstance(line, GradedSubmission):
        return line.graded_at
    return line.attempted_at if isinstance(line, NotGraded) else line.recorded_at


def submission_from_report(
    report: GradeReport,
    *,
    learner: str,
    graded_at: datetime | None = None,
    repo_url: str = "",
    pr_url: str = "",
    comment_url: str = "",
    reason: str = "",
) -> GradedSubmission:
    """The store's record of `report`, a grade of `learner`'s commit."""
    if not report.submission.commit:
        raise UserError(
            f"the grade report for {learner} on {report.assignment} names no commit; "
            "grade with `classroom grade --commit SHA` so the store can keep history"
        )
    return GradedSubmission(
        learner=learner,
        assignment=report.assignment,
        commit=report.submission.commit,
        graded_at=graded_at or report.started_at,
        tier=report.tier,
        score=report.score,
        max_score=report.max_score,
        stages=tuple(_stage_record(stage) for stage in ordered(report.stages)),
        repo_url=repo_url,
        pr_url=pr_url,
        comment_url=comment_url,
        grader_version=report.grader_version,
        grader_commit=report.grader_commit or "",
        integrity=tuple(PutBack(path=t.path, change=t.change) for t in report.integrity),
        milestones=tuple(
            MilestoneRecord(id=m.id, title=m.title, done=m.status == "done")
            for m in report.milestones
        ),
        reason=reason,
    )


def _stage_record(stage: StageResult) -> StageRecord:
    failed = [c.name for c in stage.checks if c.status in ("failed", "error")]
    if not stage.checks:  # lint and types report findings, not checks: one entry per rule
        failed = sorted({f"{f.tool} {f.rule}" for f in stage.findings})
    return StageRecord(
        name=stage.name,
        status=stage.status,
        score=stage.score,
        max_score=stage.max_score,
        failed_checks=tuple(failed),
    )


def format_line(line: StoreLine) -> str:
    """One store line: sorted keys, stable formatting, no trailing newline."""
    return json.dumps(line.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
