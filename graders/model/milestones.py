"""Milestone progress from a grade: which of an assignment's steps its checks say are done.

Pure functions. A milestone names its checks with selectors (graders.model.assignment.Milestone);
a grade judges only the checks it ran: a practice grade runs no hidden checks, so a milestone
whose other checks pass is done as far as practice can tell, and the official grade confirms.
A milestone none of whose checks ran is `waiting`. Learners cannot skip ahead by closing its
issue: the grade, not the issue's state, decides.
"""

from __future__ import annotations

from fnmatch import fnmatchcase

from graders.model.assignment import Milestone, whole_stage_check
from graders.model.report import GradeReport, MilestoneResult, MilestoneStatus, StageResult

RAN = ("passed", "failed", "error")


def progress(report: GradeReport, milestones: list[Milestone]) -> list[MilestoneResult]:
    """Each milestone's progress in `report`, in the assignment's order."""
    return [_one(report, milestone) for milestone in milestones]


def _one(report: GradeReport, milestone: Milestone) -> MilestoneResult:
    verdicts: dict[str, bool] = {}
    not_run = []
    for selector in milestone.checks:
        found = _judged(report, selector)
        if not found:
            not_run.append(selector)
        verdicts.update(found)
    failing = sorted(name for name, ok in verdicts.items() if not ok)
    passing = len(verdicts) - len(failing)
    status: MilestoneStatus = "waiting" if not verdicts else ("in_progress" if failing else "done")
    return MilestoneResult(
        id=milestone.id,
        title=milestone.title,
        status=status,
        passing=passing,
        total=len(verdicts),
        failing=failing,
        not_run=not_run,
    )


def _judged(report: GradeReport, selector: str) -> dict[str, bool]:
    """The checks `selector` names that `report` ran, each with whether it passed."""
    whole = whole_stage_check(selector)
    if whole is not None:
        stage = _stage(report, selector)
        if stage is None or stage.status not in RAN:
            return {}
        return {whole: stage.status == "passed"}
    stage_name, _, pattern = selector.partition(":")
    stage = _stage(report, stage_name)
    if stage is None or stage.status not in RAN:
        return {}
    return {
        check.name: check.status == "passed"
        for check in stage.checks
        if check.status in RAN and fnmatchcase(check.node_id or check.name, pattern)
    }


def _stage(report: GradeReport, name: str) -> StageResult | None:
    return next((s for s in report.stages if s.name == name), None)
