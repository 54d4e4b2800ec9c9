"""Exporters: the shapes Gradescope and GitHub Classroom's reporter read, decoded and checked."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from graders.feedback.exporters import (
    classroom_payload,
    to_classroom_env,
    to_classroom_reporter,
    to_gradescope,
)
from graders.model.report import Check, Finding, GradeReport, StageResult, Submission

GRADESCOPE_TEST_KEYS = {
    "name",
    "score",
    "max_score",
    "status",
    "output",
    "output_format",
    "visibility",
}
CLASSROOM_TEST_KEYS = {
    "name",
    "status",
    "score",
    "message",
    "test_code",
    "filename",
    "line_no",
    "execution_time",
}


def _report(*stages: StageResult) -> GradeReport:
    return GradeReport(
        assignment="tasks-api",
        assignment_title="Tasks API",
        score=round(sum(s.score for s in stages), 2),
        max_score=round(sum(s.max_score for s in stages), 2),
        submission=Submission(path="/s", commit="a91be07"),
        stages=list(stages),
        tool_versions={},
        grader_version="0.4.1",
        started_at=datetime(2026, 11, 21, tzinfo=UTC),
        duration_seconds=41.6,
    )


def _stage(
    name: str, score: float, max_score: float, status: str = "passed", **details: Any
) -> StageResult:
    return StageResult.model_validate(
        {
            "name": name,
            "status": status,
            "score": score,
            "max_score": max_score,
            "duration_seconds": 1.25,
            "message": f"{name} message",
            **details,
        }
    )


def _check(name: str, points: float, passed: bool, **fields: str) -> Check:
    return Check(
        name=name,
        status="passed" if passed else "failed",
        score=points if passed else 0,
        max_score=points,
        **fields,
    )


def partial() -> GradeReport:
    return _report(
        _stage("install", 0, 0),
        _stage(
            "tests",
            5,
            10,
            "failed",
            checks=[
                _check("tests/test_a.py::test_ok", 5, True),
                _check("tests/test_a.py::test_broken", 5, False, message="E   assert 1 == 2"),
            ],
        ),
        _stage(
            "hidden",
            4,
            10,
            "failed",
            checks=[
                _check(
                    "hidden/test_h.py::test_pagination",
                    6,
                    False,
                    message="assert resp.status_code == 200",
                    hint="A cursor past the end…",
                ),
                _check("hidden/test_h.py::test_auth", 4, True),
            ],
        ),
        _stage(
            "lint",
            8,
            10,
            "failed",
            findings=[
                Finding(tool="ruff", file="app/auth.py", line=17, rule="S105", message="secret")
            ],
        ),
        _stage("load", 0, 20, "error", message="the service never answered /health"),
    )


def passes_all() -> GradeReport:
    return _report(
        _stage("tests", 10, 10, checks=[_check("t::a", 10, True)]), _stage("types", 10, 10)
    )


def test_gradescope_keeps_the_report_score_and_every_item() -> None:
    out = to_gradescope(partial())
    assert out["score"] == 17 and out["execution_time"] == 42
    assert out["output_format"] == "md" and "**Next step:**" in out["output"]
    names = [t["name"] for t in out["tests"]]
    assert names == [
        "Tests (public): tests/test_a.py::test_ok",
        "Tests (public): tests/test_a.py::test_broken",
        "Hidden checks: Pagination",
        "Hidden checks: Auth",
        "Lint (ruff)",
        "Load (Locust)",
    ]
    for test in out["tests"]:
        assert set(test) == GRADESCOPE_TEST_KEYS
        assert test["status"] in ("passed", "failed")
    json.dumps(out)  # serialisable as results.json


def test_gradescope_hides_hidden_checks_until_published_and_shows_hints_only() -> None:
    hidden = [t for t in to_gradescope(partial())["tests"] if t["name"].startswith("Hidden")]
    assert {t["visibility"] for t in hidden} == {"after_published"}
    assert hidden[0]["output"] == "A cursor past the end…"
    assert "assert" not in json.dumps(hidden)


def test_gradescope_says_when_the_grader_could_not_run_a_stage() -> None:
    load = to_gradescope(partial())["tests"][-1]
    assert load["status"] == "failed" and "could not run" in load["output"]
    assert "the service never answered /health" in load["output"]


def _decoded(report: GradeReport) -> dict[str, Any]:
    payload: dict[str, Any] = json.loads(base64.b64decode(to_classroom_reporter(report)))
    return payload


def test_classroom_reporter_decodes_to_the_reporters_format() -> None:
    payload = _decoded(partial())
    assert payload == classroom_payload(partial())
    assert payload["version"] == 1 and payload["max_score"] == 50
    assert payload["status"] == "error"  # a stage the grader could not run
    for test in payload["tests"]:
        assert set(test) == CLASSROOM_TEST_KEYS
        assert test["status"] in ("pass", "fail", "error")
    assert [t["status"] for t in payload["tests"]] == [
        "pass",
        "fail",
        "fail",
        "pass",
        "fail",
        "error",
    ]


def test_classroom_test_scores_add_up_to_the_report_score() -> None:
    """The reporter totals the points as the sum of the tests' scores."""
    for report in (partial(), passes_all()):
        assert sum(t["score"] for t in _decoded(report)["tests"]) == pytest.approx(report.score)


def test_classroom_points_a_lint_stage_at_its_first_finding() -> None:
    lint = next(t for t in _decoded(partial())["tests"] if t["name"] == "Lint (ruff)")
    assert (lint["filename"], lint["line_no"]) == ("app/auth.py", 17)
    assert "app/auth.py:17 S105 secret" in lint["message"]


def test_classroom_never_reveals_hidden_test_code() -> None:
    hidden = [t for t in _decoded(partial())["tests"] if t["name"].startswith("Hidden")]
    assert all(t["test_code"] == "" for t in hidden)
    assert "assert resp" not in json.dumps(hidden)


def test_a_full_score_passes() -> None:
    assert _decoded(passes_all())["status"] == "pass"
    assert to_gradescope(passes_all())["output"].endswith("full marks.")


def test_checks_that_do_not_add_up_fall_back_to_one_item_per_stage() -> None:
    stage = _stage("tests", 3, 10, "failed", checks=[_check("t::a", 1, True)])
    payload = _decoded(_report(stage))
    assert [(t["name"], t["score"]) for t in payload["tests"]] == [("Tests (public)", 3)]


def thirds(passing: int) -> GradeReport:
    """Ten points over three tests: shares of 3.3333 that no cent divides evenly."""
    checks = [_check(f"t::t{i}", 3.3333, i < passing) for i in range(3)]
    score = round(10 * passing / 3, 2)
    return _report(_stage("tests", score, 10, "failed", checks=checks), _stage("lint", 4, 5))


@pytest.mark.parametrize("passing", [0, 1, 2, 3])
def test_uneven_shares_keep_one_item_per_test_in_cents_that_add_up(passing) -> None:
    report = thirds(passing)
    for items in (to_gradescope(report)["tests"], _decoded(report)["tests"]):
        tests = [t for t in items if t["name"].startswith("Tests")]
        assert len(tests) == 3
        assert sum(t["score"] for t in tests) == pytest.approx(report.stages[0].score)
        assert all(round(t["score"], 2) == t["score"] for t in tests)
    gradescope = to_gradescope(report)["tests"][:3]
    assert sum(t["max_score"] for t in gradescope) == pytest.approx(10)
    assert all(t["score"] in (0, t["max_score"]) for t in gradescope)  # all of it or none


def test_the_reporters_javascript_sum_prints_the_grade_itself() -> None:
    checks = [_check("t::a", 0.1, True), _check("t::b", 0.2, True)]
    report = _report(_stage("tests", 0.3, 0.3, checks=checks))
    assert 0.1 + 0.2 != 0.3  # what a naive export would print
    total = 0.0
    for test in _decoded(report)["tests"]:
        total += test["score"]
    assert total == report.score == 0.3


def test_the_env_file_names_every_runner_for_the_reporter() -> None:
    report = thirds(2)
    lines = dict(line.split("=", 1) for line in to_classroom_env(report).splitlines())
    runners = lines.pop("CLASSROOM_RUNNERS").split(",")
    assert runners == ["classroom_tests", "classroom_lint"]
    assert sorted(lines) == ["CLASSROOM_LINT_RESULTS", "CLASSROOM_TESTS_RESULTS"]
    tests = json.loads(base64.b64decode(lines["CLASSROOM_TESTS_RESULTS"]))
    assert tests["max_score"] == 10 and [t["status"] for t in tests["tests"]] == [
        "pass",
        "pass",
        "fail",
    ]
