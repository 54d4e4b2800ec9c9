"""Every assignment is calibrated: its solution scores full marks, its starter under 40%.

These run the whole grader for real on each `templates/*/` folder (dependency install, public
tests, hidden HTTP checks against the running service, ruff, mypy and a Locust run), as the
official grade would: protected files put back from the starter. The assignment of the
official end-to-end test is calibrated there, on its class's official grades
(tests/official/test_official_e2e.py), by the same checks.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from graders.model.assignment import load_assignment
from tests.graders.calibration import (
    OFFICIAL_E2E_SLUG,
    TEMPLATES,
    check_milestones,
    check_solution,
    check_starter,
    template_grade,
)

# A real solution's load goals: `make test` runs these one after another, never beside
# another such load test (Makefile).
pytestmark = [pytest.mark.slow, pytest.mark.load_goals]
SLUGS = sorted(path.parent.name for path in TEMPLATES.glob("*/assignment.toml"))
GRADED_HERE = [slug for slug in SLUGS if slug != OFFICIAL_E2E_SLUG]


def _counts_only(slug: str) -> bool:
    load = load_assignment(TEMPLATES / slug).spec.stages.load
    return load is not None and not load.times_latency


COUNTED_ONLY = [slug for slug in GRADED_HERE if _counts_only(slug)]


@pytest.fixture(autouse=True)
def _runs(grading_runs: Path) -> Path:
    return grading_runs


def test_the_official_e2e_calibrates_a_real_assignment() -> None:
    assert OFFICIAL_E2E_SLUG in SLUGS, "tests/official/test_official_e2e.py grades a template"


@pytest.mark.parametrize("slug", GRADED_HERE)
def test_the_solution_scores_full_marks(slug: str) -> None:
    check_solution(template_grade(slug, "solution"))


@pytest.mark.parametrize("slug", GRADED_HERE)
def test_the_starter_scores_under_40_percent_and_leaves_the_real_work(slug: str) -> None:
    check_starter(template_grade(slug, "starter"))


@pytest.mark.parametrize("slug", GRADED_HERE)
def test_every_milestone_names_real_checks_the_solution_finishes_and_the_starter_does_not(
    slug: str,
) -> None:
    check_milestones(template_grade(slug, "solution"), template_grade(slug, "starter"))


@pytest.mark.parametrize("slug", COUNTED_ONLY)
def test_a_load_stage_of_counted_goals_runs_no_reference_beside_it(slug: str) -> None:
    """Only latency is judged against the reference solution: a stage whose goals all count
    (statements, pages, errors) is the submission's own run, as without a reference."""
    load = template_grade(slug, "solution").stage("load")
    assert load is not None and load.load is not None
    assert (load.load.judging, load.load.reference_endpoints) == ("absolute", [])
