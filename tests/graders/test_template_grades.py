"""Every assignment is calibrated: its solution scores full marks, its starter under 40%.

These run the whole grader for real on each `templates/*/` folder (dependency install, public
tests, hidden HTTP checks against the running service, ruff, mypy and a Locust run), as the
official grade would: protected files put back from the starter.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.graders.calibration import TEMPLATES, describe, template_grade

# A real solution's load goals: `make test` runs these one after another, never beside
# another such load test (Makefile).
pytestmark = [pytest.mark.slow, pytest.mark.load_goals]
SLUGS = sorted(path.parent.name for path in TEMPLATES.glob("*/assignment.toml"))


@pytest.fixture(autouse=True)
def _runs(grading_runs: Path) -> Path:
    return grading_runs


@pytest.mark.parametrize("slug", SLUGS)
def test_the_solution_scores_full_marks(slug: str) -> None:
    report = template_grade(slug, "solution")
    assert report.score == report.max_score == 100, describe(report)
    assert report.integrity == [], "the solution must not need changes to protected files"


@pytest.mark.parametrize("slug", SLUGS)
def test_the_starter_scores_under_40_percent_and_leaves_the_real_work(slug: str) -> None:
    report = template_grade(slug, "starter")
    assert report.percent < 40, describe(report)
    assert report.stage("tests").score > 0, "the starter should pass some public tests"
    for name in ("hidden", "load"):
        assert report.stage(name).status == "failed", describe(report)


@pytest.mark.parametrize("slug", SLUGS)
def test_every_milestone_names_real_checks_the_solution_finishes_and_the_starter_does_not(
    slug: str,
) -> None:
    """Each selector matches something in a complete grade (no typo goes unnoticed), every
    milestone is done in the solution's grade, and the starter has work left in each."""
    solution, starter = template_grade(slug, "solution"), template_grade(slug, "starter")
    for done in solution.milestones:
        assert done.not_run == [], f"{done.id}: nothing matches {done.not_run}"
        assert done.status == "done", f"{done.id}: {done.failing}"
    for todo in starter.milestones:
        assert todo.status == "in_progress", f"{todo.id} is {todo.status} in the starter"
