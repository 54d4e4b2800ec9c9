"""The first assignment is calibrated: the solution scores everything, the starter under 40%.

These run the whole grader for real on `templates/tasks-api` (dependency install, public
tests, hidden HTTP checks against the running service, ruff, mypy and a Locust run).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from graders.assignment import load_assignment
from graders.engine import grade_submission
from graders.report import GradeReport, Submission
from tests.conftest import ROOT

pytestmark = pytest.mark.slow
TASKS_API = ROOT / "templates" / "tasks-api"


@pytest.fixture(autouse=True)
def _runs(grading_runs: Path) -> Path:
    return grading_runs


def grade(folder: str, skip: frozenset = frozenset()) -> GradeReport:
    assignment = load_assignment(TASKS_API)
    return grade_submission(
        assignment,
        TASKS_API / folder,
        hidden_tests=TASKS_API / "hidden_tests",
        skip=skip,
        submission_info=Submission(path=folder),
    )


def describe(report: GradeReport) -> str:
    return "; ".join(
        f"{s.name} {s.status} {s.score}/{s.max_score}: {s.message}" for s in report.stages
    )


def test_the_solution_scores_full_marks():
    report = grade("solution")
    assert report.score == report.max_score == 100, describe(report)


def test_the_starter_scores_under_40_percent_and_leaves_work_in_every_stage():
    report = grade("starter")
    assert report.percent < 40, describe(report)
    assert report.stage("tests").score > 0, "the starter should pass some public tests"
    for name in ("tests", "hidden", "load"):
        assert report.stage(name).status == "failed", describe(report)


def test_tests_lint_and_types_score_identically_when_graded_twice():
    skip = frozenset({"hidden", "load"})
    first, second = grade("starter", skip), grade("starter", skip)

    def scored(report: GradeReport) -> list[tuple]:
        return [
            (
                s.name,
                s.status,
                s.score,
                [(c.name, c.status, c.score) for c in s.checks],
                [(f.file, f.line, f.rule) for f in s.findings],
            )
            for s in report.stages
            if s.name in ("tests", "lint", "types")
        ]

    assert scored(first) == scored(second)
    assert first.score == second.score
