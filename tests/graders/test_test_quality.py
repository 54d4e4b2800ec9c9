"""The test_quality stage: learners' own tests scored by the bugs they catch.

Each submission is the starter with a suite from tests/fixtures/test_quality laid over it,
graded officially (protected files put back, full containment) with only the install and
test_quality stages, for real: pytest runs the suite against the solution and its six bugs.
The behaviours every assignment with the stage must show run on each of them (legacy-inventory,
brownfield, and tasks-api, greenfield); the stage's own corner cases run on legacy-inventory.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from graders.feedback.comment import render_feedback
from graders.model.assignment import load_assignment
from graders.model.report import GradeReport, StageResult, Submission
from graders.running.containment import detect
from graders.running.engine import grade_submission
from tests.conftest import FIXTURES, ROOT

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        bool(detect().missing()),
        reason="official grades need full containment: " + "; ".join(detect().missing()),
    ),
]
LEGACY = ROOT / "templates" / "legacy-inventory"
SUITES = FIXTURES / "test_quality"
OTHERS = frozenset({"tests", "hidden", "lint", "types", "load"})
SECRET = "LIKE ? ESCAPE"  # a line of the solution's app/orders.py that the starter lacks


@dataclass(frozen=True)
class WithBugs:
    """An assignment with a test_quality stage, and what its grades must (not) say."""

    root: Path
    described: str  # one bug's line in bugs/bugs.toml, as feedback shows a missed bug
    hidden: str  # a line a bug's patch adds: the patches are never shown


ASSIGNMENTS = {
    "legacy-inventory": WithBugs(
        LEGACY, "checkout accepts a line with quantity 0", "qty <= MAX_QTY"
    ),
    "tasks-api": WithBugs(
        ROOT / "templates" / "tasks-api",
        "the status and due-date filters apply to the first page only; later pages list every task",
        "offset = decode_cursor(cursor)",
    ),
}
both = pytest.mark.parametrize("slug", sorted(ASSIGNMENTS))


@pytest.fixture(autouse=True)
def _runs(grading_runs: Path) -> Path:
    return grading_runs


def submission(tmp_path: Path, suite: str | None, root: Path = LEGACY) -> Path:
    """The starter of `root` with the fixture suite `suite` over it (and the solution's
    regression tests if it asks for them)."""
    target = tmp_path / (suite or "starter")
    shutil.copytree(root / "starter", target)
    if suite is not None:
        shutil.copytree(SUITES / suite, target, dirs_exist_ok=True)
        marked = [p.read_text() for p in (target / "regression_tests").glob("*.py")]
        if any("REFERENCE" in text for text in marked):
            for reference in (root / "solution" / "regression_tests").glob("test_*.py"):
                shutil.copy(reference, target / "regression_tests" / reference.name)
    target.chmod(0o755)
    return target


def grade(
    folder: Path, *, official: bool = True, hidden: bool = True, root: Path = LEGACY
) -> GradeReport:
    return grade_submission(
        load_assignment(root),
        folder,
        hidden_tests=root / "hidden_tests" if hidden else None,
        skip=OTHERS,
        submission_info=Submission(path=folder.name),
        official=official,
    )


def stage_of(report: GradeReport) -> StageResult:
    stage = report.stage("test_quality")
    assert stage is not None
    return stage


def missed(stage: StageResult) -> list[str]:
    return [c.name for c in stage.checks if c.kind == "bug" and c.status != "passed"]


@both
def test_the_reference_regression_tests_catch_every_bug(slug: str) -> None:
    root = ASSIGNMENTS[slug].root
    stage = stage_of(grade(root / "solution", root=root))
    assert stage.score >= 0.8 * stage.max_score, stage.message
    assert stage.status == "passed" and stage.score == stage.max_score, stage.message
    assert stage.message == "your tests exposed 6 of 6 bugs"


@both
def test_tests_that_only_assert_true_earn_nothing(tmp_path: Path, slug: str) -> None:
    case = ASSIGNMENTS[slug]
    report = grade(submission(tmp_path, "asserts_true_only", case.root), root=case.root)
    stage = stage_of(report)
    assert (stage.score, stage.status) == (0, "failed"), stage.message
    assert len(missed(stage)) == 6
    feedback = render_feedback(report)
    assert "### Your tests caught 0 of 6 bugs" in feedback
    assert case.described in feedback
    assert ".patch" not in feedback and case.hidden not in report.model_dump_json()


def test_a_test_that_fails_on_correct_code_is_named_and_counts_for_nothing(
    tmp_path: Path,
) -> None:
    report = grade(submission(tmp_path, "fails_on_correct_code"))
    stage = stage_of(report)
    assert stage.score == stage.max_score and stage.status == "failed", stage.message
    assert "1 of your tests fail on correct code" in stage.message
    [wrong] = [c for c in stage.checks if c.kind == "wrong"]
    assert wrong.name == "regression_tests/test_wrong.py::test_someone_elses_order_is_readable"
    assert wrong.message == "fails on correct code: AssertionError at line 8"
    assert wrong.hint == "assert response.status_code == 200"  # the learner's own line
    assert "test_someone_elses_order_is_readable" in render_feedback(report)


@both
def test_a_suite_that_always_fails_earns_nothing_and_each_test_is_named(
    tmp_path: Path, slug: str
) -> None:
    root = ASSIGNMENTS[slug].root
    report = grade(submission(tmp_path, "fails_everywhere", root), root=root)
    stage = stage_of(report)
    assert (stage.score, stage.status) == (0, "failed")
    assert "none of your 2 tests pass on correct code" in stage.message
    found = {c.name: c.message for c in stage.checks if c.kind == "wrong"}
    assert found == {
        "regression_tests/test_always_red.py::test_boom": "fails on correct code: "
        "RuntimeError at line 6",
        "regression_tests/test_always_red.py::test_health_is_teapot": "fails on correct code: "
        "AssertionError at line 2",
    }
    hints = {c.hint for c in stage.checks}  # their own lines, read from their file
    assert hints == {
        'raise RuntimeError("this never works")',
        'assert client.get("/health").status_code == 418',
    }
    assert "200 == 418" not in report.model_dump_json()  # the run's values: never quoted


def test_the_solutions_source_never_reaches_the_report_or_the_feedback(tmp_path: Path) -> None:
    report = grade(submission(tmp_path, "leaks_the_solution_in_failures"))
    stage = stage_of(report)
    assert stage.score == 0
    text = report.model_dump_json() + render_feedback(report) + json.dumps(stage.model_dump())
    for leaked in (SECRET, "ESCAPE", "customer_id = ?", "order_lines"):
        assert leaked not in text, leaked
    assert stage.log_excerpt == ""
    names = {c.name for c in stage.checks if c.kind == "wrong"}
    assert names <= {
        "regression_tests/test_leak.py::test_prints_the_solution",
        "regression_tests/test_leak.py::test_named_after_the_solution "
        "(one of its parametrized cases)",
        "regression_tests/test_leak.py::test_raises_an_exception_named_after_it",
        "regression_tests/test_leak.py::test_compares_values_from_it",
        "a test in regression_tests/test_leak.py",
        "one of your tests",
    }, names


def test_a_conftest_that_turns_failures_into_passes_gains_nothing(tmp_path: Path) -> None:
    """The same reference tests catch all six bugs without it (the first test above)."""
    stage = stage_of(grade(submission(tmp_path, "flips_outcomes_in_conftest")))
    assert stage.score == 0 and len(missed(stage)) == 6, stage.message


def test_a_test_sees_no_bug_no_pristine_solution_and_no_other_run(
    tmp_path: Path, grading_runs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept = grading_runs / "kept"
    monkeypatch.setenv("CLASSROOM_KEEP_RUN", str(kept))
    stage = stage_of(grade(submission(tmp_path, "looks_for_the_bugs")))
    assert stage.score == 0 and len(missed(stage)) == 6, stage.message
    seen = sorted(kept.glob("*/tq-*/seen.txt"))
    assert len(seen) == 8  # the solution twice and each of the six bugs once
    assert {p.read_text() for p in seen} == {"nothing"}
    assert not list(kept.glob("*/tq-*/*.patch"))  # the bug is applied, never copied in


def test_practice_feedback_says_the_stage_runs_in_the_official_grade(tmp_path: Path) -> None:
    report = grade(submission(tmp_path, "asserts_true_only"), official=False, hidden=False)
    stage = stage_of(report)
    assert (stage.status, stage.cause) == ("skipped", "no-hidden-tests")
    assert stage.message.startswith("runs in the official grade")
    assert "runs in the official grade" in render_feedback(report)


def test_a_course_may_let_practice_show_only_the_count() -> None:
    """`practice = "count"`: a grade that is not official, with the material at hand, shows
    how many bugs the tests expose and nothing else (no descriptions, no points)."""
    loaded = load_assignment(LEGACY)
    spec = loaded.spec
    assert spec.stages.test_quality is not None
    counting = spec.stages.test_quality.model_copy(update={"practice": "count"})
    stages = spec.stages.model_copy(update={"test_quality": counting})
    assignment = loaded.model_copy(update={"spec": spec.model_copy(update={"stages": stages})})
    report = grade_submission(
        assignment,
        LEGACY / "solution",
        hidden_tests=LEGACY / "hidden_tests",
        skip=OTHERS,
        submission_info=Submission(path="solution"),
    )
    stage = stage_of(report)
    assert (stage.status, stage.cause, stage.score, stage.checks) == (
        "skipped",
        "practice-count",
        0,
        [],
    )
    assert stage.message.startswith("practice: your tests expose 6 of 6 bugs")
    assert "quantity 0" not in report.model_dump_json() + render_feedback(report)
