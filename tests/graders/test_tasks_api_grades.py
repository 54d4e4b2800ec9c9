"""tasks-api grades the same when graded twice (the calibration of every template is in
test_template_grades.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from graders.model.assignment import load_assignment
from graders.model.report import GradeReport, Submission
from graders.running.engine import grade_submission
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
