"""Milestones: what a grade says of each step, how the comment shows it, and bad specs."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from basis.errors import UserError
from graders.feedback.comment import render_feedback
from graders.model.assignment import Milestone, load_assignment
from graders.model.milestones import progress
from graders.model.report import Check, GradeReport, StageResult, Status, Submission


def stage(name: str, status: Status, checks: list[Check] | None = None) -> StageResult:
    return StageResult(
        name=name, status=status, score=0, max_score=10, duration_seconds=1, message="",
        checks=checks or [],
    )  # fmt: skip


def check(name: str, status: Status, node_id: str = "") -> Check:
    return Check(name=name, status=status, score=0, max_score=1, node_id=node_id)


def report(*stages: StageResult) -> GradeReport:
    return GradeReport(
        assignment="tasks-api",
        assignment_title="Tasks API",
        score=0,
        max_score=50,
        submission=Submission(path=".", commit="a" * 40),
        stages=list(stages),
        tool_versions={},
        grader_version="test",
        started_at=datetime(2026, 12, 1, tzinfo=UTC),
        duration_seconds=1,
    )


MILESTONES = [
    Milestone(id="accounts", title="Accounts", body="m/1.md",
              checks=["tests:tests/test_auth.py::*", "hidden:test_auth.py::*"]),
    Milestone(id="pages", title="Pages", body="m/2.md",
              checks=["tests:tests/test_pagination.py::*", "load:GET /tasks:*"]),
    Milestone(id="hidden-only", title="Errors", body="m/3.md", checks=["hidden:test_errors.py::*"]),
    Milestone(id="hygiene", title="Hygiene", body="m/4.md", checks=["lint", "types"]),
]  # fmt: skip

PRACTICE = report(
    stage("tests", "failed", [
        check("tests/test_auth.py::test_login", "passed"),
        check("tests/test_auth.py::test_me", "passed"),
        check("tests/test_pagination.py::test_cursor", "failed"),
        check("tests/test_pagination.py::test_limit", "passed"),
    ]),
    stage("hidden", "skipped"),
    stage("lint", "passed"),
    stage("types", "failed"),
    stage("load", "skipped"),
)  # fmt: skip


def test_a_practice_grade_judges_the_checks_it_ran_and_waits_for_the_rest():
    by_id = {m.id: m for m in progress(PRACTICE, MILESTONES)}

    assert (by_id["accounts"].status, by_id["accounts"].passing, by_id["accounts"].total) == (
        "done", 2, 2)  # fmt: skip
    assert by_id["accounts"].not_run == ["hidden:test_auth.py::*"]
    assert by_id["pages"].status == "in_progress"
    assert by_id["pages"].failing == ["tests/test_pagination.py::test_cursor"]
    assert by_id["hidden-only"].status == "waiting"
    assert (by_id["hygiene"].status, by_id["hygiene"].failing) == ("in_progress", ["types clean"])


def test_the_official_grade_confirms_with_the_hidden_checks_by_file():
    official = report(
        stage("tests", "passed", [check("tests/test_auth.py::test_login", "passed")]),
        stage("hidden", "failed", [
            check("test_login_ok", "passed", node_id="test_auth.py::test_login_ok"),
            check("test_lockout", "failed", node_id="test_auth.py::test_lockout"),
            check("test_json_errors", "passed", node_id="test_errors.py::test_json_errors"),
        ]),
    )  # fmt: skip
    by_id = {m.id: m for m in progress(official, MILESTONES)}

    assert (by_id["accounts"].status, by_id["accounts"].failing) == (
        "in_progress",
        ["test_lockout"],
    )
    assert by_id["hidden-only"].status == "done"


def test_the_comment_leads_with_the_milestones_and_marks_the_current_one():
    shown = PRACTICE.model_copy(update={"milestones": progress(PRACTICE, MILESTONES)})

    text = render_feedback(shown)

    line = next(line for line in text.splitlines() if line.startswith("**Milestones:**"))
    assert line == (
        "**Milestones:** ✅ 1. Accounts · ▶ 2. Pages (1 of 2 checks pass) · "
        "◻ 3. Errors (its checks run in the official grade) · ◻ 4. Hygiene (1 of 2 checks pass)"
    )
    assert text.index("**Milestones:**") < text.index("| stage | score |")


def test_a_grade_without_milestones_shows_none():
    assert "Milestones" not in render_feedback(PRACTICE)


@pytest.mark.parametrize(
    ("checks", "says"),
    [
        (["tests"], "is not a check selector"),
        (["pytest:tests/*"], "is not a check selector"),
        (["hidden:"], "is not a check selector"),
    ],
)
def test_a_bad_selector_is_refused_with_the_forms_that_work(checks, says):
    with pytest.raises(ValueError, match=says):
        Milestone(id="m", title="M", body="m.md", checks=checks)


def test_a_milestone_issue_body_that_is_missing_is_named(tmp_path: Path):
    (tmp_path / "assignment.toml").write_text(
        'slug = "x"\ntitle = "X"\n[stages.lint]\npoints = 1\n'
        '[[milestones]]\nid = "one"\ntitle = "One"\nbody = "milestones/one.md"\nchecks = ["lint"]\n'
    )
    with pytest.raises(UserError, match=r"milestones\.0\.body: milestones/one\.md is not a file"):
        load_assignment(tmp_path)
    (tmp_path / "milestones").mkdir()
    (tmp_path / "milestones" / "one.md").write_text("Make lint clean.\n")
    assert load_assignment(tmp_path).spec.milestones[0].id == "one"


def test_two_milestones_with_one_id_are_refused(tmp_path: Path):
    twice = '[[milestones]]\nid = "one"\ntitle = "One"\nbody = "a.md"\nchecks = ["lint"]\n'
    (tmp_path / "assignment.toml").write_text(
        'slug = "x"\ntitle = "X"\n[stages.lint]\npoints = 1\n' + twice + twice
    )
    with pytest.raises(UserError, match="milestone ids must be unique: one"):
        load_assignment(tmp_path)
