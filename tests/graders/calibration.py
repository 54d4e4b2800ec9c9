"""The calibration grades of templates/*/: graded once per test session, shared by test files."""

from __future__ import annotations

from functools import cache

from graders.model.assignment import load_assignment
from graders.model.report import GradeReport, Submission
from graders.running.engine import grade_submission
from tests.conftest import ROOT

TEMPLATES = ROOT / "templates"


@cache
def template_grade(slug: str, folder: str) -> GradeReport:
    """The official grade of templates/SLUG/FOLDER, every stage, computed once per session.

    Call it from a test that uses `grading_runs`: several test files assert different things
    about the same calibration grade, and grading twice would only cost time."""
    root = TEMPLATES / slug
    return grade_submission(
        load_assignment(root),
        root / folder,
        hidden_tests=root / "hidden_tests",
        skip=frozenset(),
        submission_info=Submission(path=f"{slug}/{folder}"),
        official=True,  # graded as the deadline would: protected files from the starter
    )


def describe(report: GradeReport) -> str:
    """Every stage of `report` in one line, for assertion messages."""
    return "; ".join(
        f"{s.name} {s.status} {s.score}/{s.max_score}: {s.message}" for s in report.stages
    )
