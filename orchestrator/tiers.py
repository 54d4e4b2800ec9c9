"""Which grade counts, and the official workflow's bookkeeping: pure functions over the store.

A learner's grade on an assignment is their latest official grade if they have one, else their
latest practice grade, shown as practice (`standing`). An official grade that was attempted
but could not be given is a `NotGraded` line: never a score, and the next run grades again.

The official workflow calls them in two places:
- its plan job, `plan_official`: who still needs an official grade of the commit chosen for
  them by this grader commit (a re-run after a lost runner grades only the missing ones);
- its record job, `official_batch`: the store lines of a run (a grade per report that came
  back, a `NotGraded` per learner whose did not) and its `BatchSummary`, then `record_batch`
  to write them, one write per file; a grade already in the store is never recorded twice.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from graders.errors import UserError
from graders.report import GradeReport
from orchestrator.grades_store import (
    GradedSubmission,
    GradesStore,
    Login,
    NotGraded,
    Slug,
    StoreLine,
    record_lines,
    submission_from_report,
)

NO_REPORT = "no grade report came back (its grade job did not finish)"
TierWord = Literal["official", "practice", "not graded"]


@dataclass(frozen=True)
class Standing:
    """What counts for a learner on an assignment: the latest official grade if there is one,
    else the latest practice grade (shown as practice)."""

    grade: GradedSubmission | None
    # The latest official attempt, when it could not be given and no official grade followed.
    not_graded: NotGraded | None = None

    @property
    def tier(self) -> TierWord | None:
        """`official`; `not graded` (attempted, no official grade at all); `practice`; None."""
        if self.grade is not None and self.grade.tier == "official":
            return "official"
        if self.not_graded is not None:
            return "not graded"
        return "practice" if self.grade is not None else None


def standing(history: Sequence[GradedSubmission], attempts: Sequence[NotGraded] = ()) -> Standing:
    """The grade that counts in `history` (oldest first), and a failed official attempt since."""
    official = next((s for s in reversed(history) if s.tier == "official"), None)
    grade = official or (history[-1] if history else None)
    failed = attempts[-1] if attempts else None
    if failed is not None and official is not None and official.graded_at >= failed.attempted_at:
        failed = None
    return Standing(grade, failed)


def has_official(
    history: Sequence[GradedSubmission],
    commit: str,
    grader_commit: str,
    reason: str | None = None,
) -> bool:
    """Whether `history` holds an official grade of `commit` by the grader at `grader_commit`
    (given for `reason`, when one is named)."""
    return any(
        s.tier == "official"
        and s.commit == commit
        and s.grader_commit == grader_commit
        and (reason is None or s.reason == reason)
        for s in history
    )


def needing_official(
    store: GradesStore,
    assignment: str,
    commits: Mapping[str, str],
    grader_commit: str,
    *,
    regrade_reason: str | None = None,
) -> list[str]:
    """The learners of `commits` (login -> commit to grade) who have no official grade of that
    commit by that grader yet, in the order given.

    A regrade with the same grader (a disputed check, hidden tests changed in the course
    repository) names its reason: then only a grade given for that same reason counts, so
    the regrade grades everyone once and a re-run of it only those it missed.
    """
    return [
        login
        for login, commit in commits.items()
        if not has_official(store.history(assignment, login), commit, grader_commit, regrade_reason)
    ]


class OfficialPlan(BaseModel):
    """Who an official run grades, on which commit, with which grader, and why.

    JSON between the plan job and the record job (`model_dump_json` / `model_validate_json`).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    assignment: Slug
    grader_commit: Annotated[str, Field(min_length=1)]
    reason: str = ""
    regrade: bool = False  # grades given for another reason do not count (see needing_official)
    to_grade: dict[Login, str]  # login -> the commit to grade
    already_graded: dict[Login, str] = Field(default_factory=dict)  # skipped: graded before


def plan_official(
    store: GradesStore,
    assignment: str,
    commits: Mapping[str, str],
    *,
    grader_commit: str,
    reason: str = "",
    regrade: bool = False,
) -> OfficialPlan:
    """The plan of an official run over `commits` (login -> commit chosen for them); with
    `regrade`, an official grade counts only if it was given for this `reason`."""
    if regrade and not reason:
        raise UserError("a regrade needs its reason: pass --reason TEXT (say what changed)")
    again = reason if regrade else None
    needed = set(needing_official(store, assignment, commits, grader_commit, regrade_reason=again))
    return OfficialPlan(
        assignment=assignment,
        grader_commit=grader_commit,
        reason=reason,
        regrade=regrade,
        to_grade={login: c for login, c in commits.items() if login in needed},
        already_graded={login: c for login, c in commits.items() if login not in needed},
    )


@dataclass(frozen=True)
class BatchSummary:
    """What an official run did, learner by learner."""

    assignment: str
    grader_commit: str
    reason: str
    graded: tuple[str, ...] = ()
    not_graded: tuple[tuple[str, str], ...] = ()  # (login, why not)
    skipped: tuple[str, ...] = ()  # already had this official grade: not recorded again
    ignored: tuple[tuple[str, str], ...] = ()  # reports for learners the plan did not choose


@dataclass(frozen=True)
class OfficialBatch:
    """The store lines of one official run, and its summary."""

    lines: tuple[StoreLine, ...]
    summary: BatchSummary


def official_batch(
    store: GradesStore,
    plan: OfficialPlan,
    reports: Mapping[str, GradeReport],
    *,
    attempted_at: datetime,
    causes: Mapping[str, str] | None = None,
    repo_urls: Mapping[str, str] | None = None,
) -> OfficialBatch:
    """Turn a run's reports (login -> report) into store lines.

    Each planned learner gets their official grade, or a `NotGraded` line whose cause is
    `causes[login]` (say "repository could not be fetched"), or what is wrong with their
    report, or `NO_REPORT`. A learner the store already holds this grade for is skipped.
    """
    causes, repo_urls = causes or {}, repo_urls or {}
    lines: list[StoreLine] = []
    graded, failed, skipped = [], [], list(plan.already_graded)
    for login, commit in plan.to_grade.items():
        again = plan.reason if plan.regrade else None
        if has_official(store.history(plan.assignment, login), commit, plan.grader_commit, again):
            skipped.append(login)
            continue
        report, url = reports.get(login), repo_urls.get(login, "")
        if report is None:
            why = causes.get(login) or NO_REPORT
        elif not (why := report_problem(report, plan, commit)):
            lines.append(_official(report, plan, login, url))
            graded.append(login)
            continue
        lines.append(_not_graded(plan, login, commit, attempted_at, why, url))
        failed.append((login, why))
    ignored = tuple(
        (login, "not in the plan") for login in sorted(set(reports) - set(plan.to_grade))
    )
    summary = BatchSummary(plan.assignment, plan.grader_commit, plan.reason, tuple(graded),
                           tuple(failed), tuple(skipped), ignored)  # fmt: skip
    return OfficialBatch(tuple(lines), summary)


def report_problem(report: GradeReport, plan: OfficialPlan, commit: str) -> str:
    """Why `report` cannot be this plan's official grade of `commit` ("" when it can)."""
    if report.tier != "official":
        return "its report is a practice grade, not an official one"
    if report.assignment != plan.assignment:
        return f"its report grades {report.assignment}, not {plan.assignment}"
    if report.submission.commit != commit:
        return f"its report grades commit {report.submission.commit}, the plan chose {commit}"
    if report.grader_commit not in (None, plan.grader_commit):
        return f"its report names grader {report.grader_commit}, the run used {plan.grader_commit}"
    containment = report.containment
    if containment is None or containment.level != "full":
        level = containment.level if containment else "not recorded"
        return f"its grade ran without full containment ({level})"
    return ""


def _official(report: GradeReport, plan: OfficialPlan, login: str, url: str) -> GradedSubmission:
    if report.grader_commit is None:
        report = report.model_copy(update={"grader_commit": plan.grader_commit})
    return submission_from_report(report, learner=login, repo_url=url, reason=plan.reason)


def _not_graded(
    plan: OfficialPlan, login: str, commit: str, at: datetime, why: str, url: str
) -> NotGraded:
    return NotGraded(
        learner=login,
        assignment=plan.assignment,
        commit=commit,
        attempted_at=at,
        not_graded=why,
        grader_commit=plan.grader_commit,
        reason=plan.reason,
        repo_url=url,
    )


def record_batch(course: Path, batch: OfficialBatch) -> int:
    """Write a run's lines into the store under `course`; returns how many were new."""
    return record_lines(course, batch.lines)


def format_summary(summary: BatchSummary) -> str:
    """The run in a few lines of Markdown, for the job summary and the terminal."""
    reason = f", reason: {summary.reason}" if summary.reason else ""
    head = (
        f"{summary.assignment}: official grades by grader {summary.grader_commit[:12]}{reason}: "
        f"{len(summary.graded)} graded, {len(summary.not_graded)} not graded, "
        f"{len(summary.skipped)} skipped (already graded)"
    )
    rows = [f"- not graded: {login}: {why}" for login, why in summary.not_graded]
    rows += [f"- ignored: {login}: {why}" for login, why in summary.ignored]
    if summary.graded:
        rows.append(f"- graded: {', '.join(summary.graded)}")
    if summary.skipped:
        rows.append(f"- skipped: {', '.join(summary.skipped)}")
    return "\n".join([head, *rows])
