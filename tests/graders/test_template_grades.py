"""Every assignment is calibrated: its solution scores full marks, its starter under 40%.

These run the whole grader for real on each `templates/*/` folder (dependency install, public
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
TEMPLATES = ROOT / "templates"
SLUGS = sorted(path.parent.name for path in TEMPLATES.glob("*/assignment.toml"))


@pytest.fixture(autouse=True)
def _runs(grading_runs: Path) -> Path:
    return grading_runs


def grade(slug: str, folder: str) -> GradeReport:
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
    return "; ".join(
        f"{s.name} {s.status} {s.score}/{s.max_score}: {s.message}" for s in report.stages
    )


@pytest.mark.parametrize("slug", SLUGS)
def test_the_solution_scores_full_marks(slug: str) -> None:
    report = grade(slug, "solution")
    assert report.score == report.max_score == 100, describe(report)
    assert report.integrity == [], "the solution must not need changes to protected files"


@pytest.mark.parametrize("slug", SLUGS)
def test_the_starter_scores_under_40_percent_and_leaves_the_real_work(slug: str) -> None:
    report = grade(slug, "starter")
    assert report.percent < 40, describe(report)
    assert report.stage("tests").score > 0, "the starter should pass some public tests"
    for name in ("hidden", "load"):
        assert report.stage(name).status == "failed", describe(report)
