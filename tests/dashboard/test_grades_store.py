"""The grades store: what collect writes, one JSON line per graded push, read back whole."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from small_class import AS_OF, graded, small_class_not_graded, small_class_submissions

from graders.errors import UserError
from graders.report import Check, Finding, GradeReport, StageResult, Submission
from orchestrator.grades_store import (
    load_store,
    record_submission,
    store_from_submissions,
    store_path,
    submission_from_report,
)


def _report(commit: str | None = "a" * 40) -> GradeReport:
    return GradeReport(
        assignment="tasks-api",
        assignment_title="Tasks API",
        score=55.0,
        max_score=100.0,
        submission=Submission(path=".", commit=commit),
        stages=[
            StageResult(
                name="lint",
                status="failed",
                score=5,
                max_score=10,
                duration_seconds=1,
                message="",
                findings=[
                    Finding(tool="ruff", file="a.py", line=1, rule="F401", message="unused"),
                    Finding(tool="ruff", file="b.py", line=2, rule="F401", message="unused"),
                ],
            ),
            StageResult(
                name="hidden",
                status="failed",
                score=50,
                max_score=90,
                duration_seconds=3,
                message="",
                checks=[
                    Check(name="test_authz", status="failed", score=0, max_score=40),
                    Check(name="test_list", status="passed", score=50, max_score=50),
                ],
            ),
        ],
        tool_versions={},
        grader_version="0.1.0",
        started_at=datetime(2026, 3, 1, 12, 0, tzinfo=UTC),
        duration_seconds=20,
    )


def test_a_report_becomes_a_record_with_its_failed_checks_in_stage_order() -> None:
    sub = submission_from_report(_report(), learner="ada", pr_url="https://x/pull/1")

    assert (sub.learner, sub.assignment, sub.commit) == ("ada", "tasks-api", "a" * 40)
    assert [s.name for s in sub.stages] == ["hidden", "lint"]
    assert sub.failed_checks == (("hidden", "test_authz"), ("lint", "ruff F401"))
    assert sub.percent == 55.0
    assert sub.graded_at == datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def test_a_report_without_a_commit_is_refused_with_the_fix() -> None:
    with pytest.raises(UserError, match="--commit"):
        submission_from_report(_report(commit=None), learner="ada")


def test_each_push_is_one_sorted_json_line_in_the_learners_file(tmp_path: Path) -> None:
    first, second = graded("ada", "tasks-api", 3, 40), graded("ada", "tasks-api", 1, 90)
    assert record_submission(tmp_path, second)
    assert record_submission(tmp_path, first)  # arrives late: still lands in grading order

    lines = store_path(tmp_path, "tasks-api", "ada").read_text().splitlines()
    assert [json.loads(line)["score"] for line in lines] == [40, 90]
    assert all(list(json.loads(line)) == sorted(json.loads(line)) for line in lines)
    assert store_path(tmp_path, "tasks-api", "ada") == tmp_path / "grades/tasks-api/ada.jsonl"


def test_recording_the_same_grade_twice_changes_nothing(tmp_path: Path) -> None:
    sub = graded("ada", "tasks-api", 1, 90)
    record_submission(tmp_path, sub)
    before = store_path(tmp_path, "tasks-api", "ada").read_bytes()

    assert not record_submission(tmp_path, sub)
    assert store_path(tmp_path, "tasks-api", "ada").read_bytes() == before


def test_a_new_push_is_a_one_line_git_diff(tmp_path: Path) -> None:
    record_submission(tmp_path, graded("ada", "tasks-api", 3, 40))
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True, timeout=30)
    subprocess.run(["git", "add", "."], cwd=tmp_path, check=True, timeout=30)
    record_submission(tmp_path, graded("ada", "tasks-api", 1, 90))

    diff = subprocess.run(
        ["git", "diff", "--numstat"], cwd=tmp_path, capture_output=True, text=True, timeout=30
    ).stdout
    assert diff.split() == ["1", "0", "grades/tasks-api/ada.jsonl"]


def test_the_store_reads_back_every_history_in_order(course_with_small_class: Path) -> None:
    store = load_store(course_with_small_class)

    assert store.assignments == ["notes-api", "tasks-api"]
    assert store.learners == ["ada", "bo", "cy", "dee", "eve"]
    assert len(store) == len(small_class_submissions())
    assert [s.percent for s in store.history("tasks-api", "cy")] == [90, 70, 40]
    assert store == store_from_submissions([*small_class_submissions(), *small_class_not_graded()])


def test_a_course_without_grades_is_an_empty_store(tmp_path: Path) -> None:
    assert len(load_store(tmp_path)) == 0


def test_a_damaged_line_names_the_file_and_line(tmp_path: Path) -> None:
    record_submission(tmp_path, graded("ada", "tasks-api", 1, 90))
    path = store_path(tmp_path, "tasks-api", "ada")
    path.write_text(path.read_text() + '{"learner": "ada"}\n')

    with pytest.raises(UserError, match=r"ada\.jsonl:2: .*fix or delete that line"):
        load_store(tmp_path)


def test_a_line_in_the_wrong_file_is_reported_with_where_it_belongs(tmp_path: Path) -> None:
    record_submission(tmp_path, graded("ada", "tasks-api", 1, 90))
    wrong = store_path(tmp_path, "tasks-api", "bo")
    store_path(tmp_path, "tasks-api", "ada").rename(wrong)

    with pytest.raises(UserError, match=r"move that line to grades/tasks-api/ada\.jsonl"):
        load_store(tmp_path)


def test_as_of_is_after_every_push_of_the_small_class() -> None:
    assert all(s.graded_at <= AS_OF for s in small_class_submissions())


def test_a_link_that_is_not_a_web_address_is_refused(tmp_path: Path) -> None:
    record_submission(tmp_path, graded("ada", "tasks-api", 1, 90))
    path = store_path(tmp_path, "tasks-api", "ada")
    path.write_text(
        path.read_text().replace("https://github.com/demo-org", "javascript:alert(1)//")
    )

    with pytest.raises(UserError, match=r"ada\.jsonl:1: \w+_url"):
        load_store(tmp_path)
