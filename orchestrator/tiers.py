"""The official workflow's bookkeeping: pure functions over the store (which grade counts is
`orchestrator.standing`).

An official grade that was attempted but could not be given is a `NotGraded` line: never a
score, and the next run grades again. An official run that found no submission at the
learner's deadline leaves a `NoSubmission` line (a 0 that says so), once per deadline.

The official workflow calls them in two places:
- its plan job, `plan_official`: who still needs an official grade of the commit chosen for
  them by this grader commit (a re-run after a lost runner grades only the missing ones);
- its record job, `official_batch`: the store lines of a run (a grade per report that came
  back, a `NotGraded` per learner whose did not, a `NoSubmission` per learner who had none)
  and its `BatchSummary`, then `record_batch` to write them, one write per file; a grade
  already in the store is never recorded twice.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from basis.errors import UserError
from graders.model.report import GradeReport
from orchestrator.grades_store import (
    GradedSubmission,
    GradesStore,
    Login,
    NoSubmission,
    NotGraded,
    Slug,
    StoreLine,
    record_lines,
    submission_from_report,
)

NO_REPORT = "no grade report came back (its grade job did not finish)"


def has_official(
    history: Sequence[GradedSubmission],
    commit: str,
    grader_commit: str | None,
    reason: str | None = None,
) -> bool:
    """Whether `history` holds an official grade of `commit` by the grader at `grader_commit`
    (by any grader when None; given for `reason`, when one is named)."""
    return any(
        s.tier == "official"
        and s.commit == commit
        and grader_commit in (None, s.grader_commit)
        and (reason is None or s.reason == reason)
        for s in history
    )


def needing_official(
    store: GradesStore,
    assignment: str,
    commits: Mapping[str, str],
    grader_commit: str | None,
    *,
    regrade_reason: str | None = None,
) -> list[str]:
    """The learners of `commits` (login -> commit to grade) who have no official grade of that
    commit by that grader yet (by any grader: None), in the order given.

    A regrade with the same grader (a disputed check, hidden tests changed in the course
    repository) names its reason: then only a grade given for that same reason counts, so
    the regrade grades everyone once and a re-run of it only those it missed.
    """
    return [
        login
        for login, commit in commits.items()
        if not has_official(store.history(assignment, login), commit, grader_commit, regrade_reason)
    ]


class Judged(BaseModel):
    """What a learner's commit is judged against in a run at or after their deadline."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    deadline: AwareDatetime  # the learner's own (their extension, else the assignment's)
    moment: AwareDatetime | None = None  # graded at: the deadline, or the end of a late day
    pushed_at: AwareDatetime | None = None  # when the commit became the head (server's record)
    commit: str = ""  # the head then; for "no submission", provisioning's commit (or "")


class OfficialPlan(BaseModel):
    """Who an official run grades, on which commit, with which grader, and why.

    JSON between the plan job and the record job (`model_dump_json` / `model_validate_json`).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    assignment: Slug
    grader_commit: Annotated[str, Field(min_length=1)]
    reason: str = ""
    regrade: bool = False  # grades given for another reason do not count (see needing_official)
    # A scheduled run grades a commit once: an official grade by any grader counts.
    once: bool = False
    to_grade: dict[Login, str]  # login -> the commit to grade
    already_graded: dict[Login, str] = Field(default_factory=dict)  # skipped: graded before
    judged: dict[Login, Judged] = Field(default_factory=dict)  # to_grade's, past a deadline
    absent: dict[Login, Judged] = Field(default_factory=dict)  # no submission at the moment

    def grader_of_record(self) -> str | None:
        """The grader whose grade of a commit counts as given: this run's, or any (`once`)."""
        return None if self.once else self.grader_commit


def plan_official(
    store: GradesStore,
    assignment: str,
    commits: Mapping[str, str],
    *,
    grader_commit: str,
    reason: str = "",
    regrade: bool = False,
    once: bool = False,
    judged: Mapping[str, Judged] | None = None,
    absent: Mapping[str, Judged] | None = None,
) -> OfficialPlan:
    """The plan of an official run over `commits` (login -> commit chosen for them); with
    `regrade`, an official grade counts only if it was given for this `reason`; with `once`
    (a scheduled run), an official grade of the commit by any grader counts. `judged` says
    what each commit is judged against; `absent` who had no submission at the moment."""
    if regrade and not reason:
        raise UserError("a regrade needs its reason: pass --reason TEXT (say what changed)")
    again = reason if regrade else None
    grader = None if once else grader_commit
    needed = set(needing_official(store, assignment, commits, grader, regrade_reason=again))
    return OfficialPlan(
        assignment=assignment,
        grader_commit=grader_commit,
        reason=reason,
        regrade=regrade,
        once=once,
        to_grade={login: c for login, c in commits.items() if login in needed},
        already_graded={login: c for login, c in commits.items() if login not in needed},
        judged={login: j for login, j in (judged or {}).items() if login in needed},
        absent=dict(absent or {}),
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
    no_submission: tuple[str, ...] = ()  # nothing of theirs on the default branch at the moment


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
    report, or `NO_REPORT`. A learner the store already holds this grade for is skipped. Each
    learner the plan found without a submission gets a `NoSubmission` line, once per deadline.
    """
    causes, repo_urls = causes or {}, repo_urls or {}
    lines: list[StoreLine] = []
    graded, failed, skipped = [], [], list(plan.already_graded)
    again = plan.reason if plan.regrade else None
    for login, commit in plan.to_grade.items():
        history = store.history(plan.assignment, login)
        if has_official(history, commit, plan.grader_of_record(), again):
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
    absent = [
        _no_submission(plan, login, judged, attempted_at, repo_urls.get(login, ""))
        for login, judged in plan.absent.items()
        if not _found_absent(store.no_submission(plan.assignment, login), judged)
    ]
    lines += absent
    ignored = tuple(
        (login, "not in the plan") for login in sorted(set(reports) - set(plan.to_grade))
    )
    summary = BatchSummary(plan.assignment, plan.grader_commit, plan.reason, tuple(graded),
                           tuple(failed), tuple(skipped), ignored,
                           tuple(a.learner for a in absent))  # fmt: skip
    return OfficialBatch(tuple(lines), summary)


def _found_absent(found: Sequence[NoSubmission], judged: Judged) -> bool:
    """Whether "no submission" is recorded already for this deadline (once per deadline)."""
    return any(line.deadline == judged.deadline for line in found)


def _no_submission(
    plan: OfficialPlan, login: str, judged: Judged, at: datetime, url: str
) -> NoSubmission:
    return NoSubmission(
        learner=login,
        assignment=plan.assignment,
        recorded_at=at,
        checked_at=judged.moment or judged.deadline,
        deadline=judged.deadline,
        commit=judged.commit,
        reason=plan.reason,
        repo_url=url,
    )


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
    line = submission_from_report(report, learner=login, repo_url=url, reason=plan.reason)
    judged = plan.judged.get(login)
    if judged is None:
        return line
    return line.model_copy(update={"pushed_at": judged.pushed_at, "deadline": judged.deadline})


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
    if summary.no_submission:
        rows.append(f"- no submission (0): {', '.join(summary.no_submission)}")
    if summary.skipped:
        rows.append(f"- skipped: {', '.join(summary.skipped)}")
    return "\n".join([head, *rows])
