"""The brownfield assignment grades each ticket on its own.

These run the whole grader for real on `templates/legacy-inventory`: the starter fails every
ticket's checks while its regression tests pass, and a learner who fixes one ticket (the slow
orders page, the stock race, the authorization hole) gets the credit for that ticket and no
other; on the orders page, the index and the N+1 fix each earn a goal of their own. (Its
solution's full marks and the starter's share are in test_template_grades.py.)
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from graders.model.assignment import LoadedAssignment, load_assignment
from graders.model.report import GradeReport, Submission
from graders.running.engine import grade_submission
from tests.conftest import FIXTURES, ROOT
from tests.graders.calibration import describe, template_grade

# A real solution's load goals: `make test` runs these one after another, never beside
# another such load test (Makefile).
pytestmark = [pytest.mark.slow, pytest.mark.load_goals]
LEGACY = ROOT / "templates" / "legacy-inventory"
PARTIAL_FIXES = FIXTURES / "legacy-inventory"
# What each partial fix's test reads is the tests stage and the ticket's own stage.
NOT_READ = frozenset({"lint", "types", "test_quality"})

RACE_CHECKS = {
    "test_concurrent_checkouts_never_sell_more_than_the_stock",
    "test_concurrent_checkouts_of_several_units",
    "test_one_customer_double_clicking_checkout",
}
AUTHORIZATION_CHECKS = {
    "test_other_customers_order_is_404",
    "test_seeded_orders_of_others_are_404",
    "test_other_customer_cannot_cancel_my_order",
    "test_search_with_a_quote_in_the_text",
    "test_search_cannot_be_tricked_into_showing_other_customers_orders",
}
INDEX_GOAL = "GET /orders: ≤ 400 pages read per request"  # without the indexes: table scans
STATEMENTS_GOAL = "GET /orders: ≤ 3 statements per request"  # the N+1
LATENCY_GOAL = "GET /orders: p50 ≤ 40 ms"  # needs both
ORDERS_PAGE_GOALS = {INDEX_GOAL, STATEMENTS_GOAL, LATENCY_GOAL}


@pytest.fixture(autouse=True)
def _runs(grading_runs: Path) -> Path:
    return grading_runs


def decided_in_one_round() -> LoadedAssignment:
    """legacy-inventory as it is graded, but its load stage run for 3 s and measured once each
    (the submission, the reference): these tests read the goals on pages and statements per
    request, which the probe counts after the load run, one request at a time, alike in every
    round and whatever the run's length, and no latency, which is what more rounds and longer
    runs decide (a partial fix's latency is near its bar, so on a busy machine it was measured
    twice more: 112 s a grading instead of 50; the run's 15 s, twice, were half of the rest)."""
    loaded = load_assignment(LEGACY)
    load = loaded.spec.stages.load
    assert load is not None
    once = load.model_copy(
        update={
            "duration_seconds": 3,
            "reference": load.reference.model_copy(update={"max_rounds": 1}),
        }
    )
    stages = loaded.spec.stages.model_copy(update={"load": once})
    return loaded.model_copy(update={"spec": loaded.spec.model_copy(update={"stages": stages})})


def grade(folder: Path, skip: frozenset[str] = frozenset()) -> GradeReport:
    return grade_submission(
        decided_in_one_round(),
        folder,
        hidden_tests=LEGACY / "hidden_tests",
        skip=skip,
        submission_info=Submission(path=folder.name),
    )


def fixed(name: str, work: Path) -> Path:
    """The starter with one partial fix applied (a patch: it stops applying, loudly, when the
    starter changes under it, where a copied file would quietly bring back old code)."""
    target = work / name
    shutil.copytree(LEGACY / "starter", target)
    patch = PARTIAL_FIXES / f"{name}.patch"
    subprocess.run(["git", "apply", str(patch)], cwd=target, check=True, timeout=30)
    return target


def passing(report: GradeReport, stage: str) -> set[str]:
    result = report.stage(stage)
    assert result is not None
    return {check.name for check in result.checks if check.status == "passed"}


def test_the_starter_passes_its_regression_tests_and_fails_every_tickets_checks():
    """Under 40% and the solution's full marks: test_template_grades.py, same grades."""
    report = template_grade("legacy-inventory", "starter")
    tests = report.stage("tests")
    assert tests is not None and tests.score == tests.max_score, describe(report)
    for name in ("hidden", "load"):
        assert report.stage(name).status == "failed", describe(report)
    assert not passing(report, "hidden") & (RACE_CHECKS | AUTHORIZATION_CHECKS)
    assert not passing(report, "load") & ORDERS_PAGE_GOALS


def test_fixing_only_the_index_earns_the_pages_goal_and_not_the_statements_one(grading_runs):
    report = grade(fixed("fixes_index_only", grading_runs), skip=NOT_READ | {"hidden"})
    assert report.stage("tests").score == 10, describe(report)
    load = passing(report, "load")
    assert INDEX_GOAL in load, describe(report)
    assert STATEMENTS_GOAL not in load


def test_fixing_only_the_n_plus_one_earns_the_statements_goal_and_not_the_pages_one(
    grading_runs,
):
    report = grade(fixed("fixes_n_plus_one_only", grading_runs), skip=NOT_READ | {"hidden"})
    assert report.stage("tests").score == 10, describe(report)
    load = passing(report, "load")
    assert STATEMENTS_GOAL in load, describe(report)
    assert INDEX_GOAL not in load


@pytest.mark.parametrize(
    ("fixture", "earned", "not_earned"),
    [
        ("fixes_stock_race_only", RACE_CHECKS, AUTHORIZATION_CHECKS),
        ("fixes_authorization_only", AUTHORIZATION_CHECKS, RACE_CHECKS),
    ],
    ids=["stock race", "authorization"],
)
def test_fixing_one_ticket_earns_its_checks_and_not_the_others(
    grading_runs, fixture, earned, not_earned
):
    report = grade(fixed(fixture, grading_runs), skip=NOT_READ | {"load"})
    assert report.stage("tests").score == 10, describe(report)
    hidden = passing(report, "hidden")
    assert hidden >= earned, describe(report)
    assert not hidden & not_earned
