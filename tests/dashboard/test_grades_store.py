"""The grades store: what collect writes, one JSON line per graded push, read back whole."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from small_class import (
    AS_OF,
    graded,
    not_graded,
    small_class_not_graded,
    small_class_submissions,
)

from basis.errors import UserError
from graders.model.report import Check, Finding, GradeReport, StageResult, Submission, Tampering
from orchestrator.grades_store import (
    PutBack,
    format_line,
    load_store,
    record_lines,
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


# A line as the store wrote it before grades had a grader commit, put-back files or a reason.
OLD_LINE = (
    '{"assignment": "tasks-api", "comment_url": "", "commit": "' + "1" * 40 + '", '
    '"graded_at": "2026-01-15T04:11:41Z", "grader_version": "0.1.0", "learner": "ada", '
    '"max_score": 100.0, "pr_url": "", "repo_url": "https://github.com/ORG/tasks-api-ada", '
    '"score": 74.01, "stages": [{"failed_checks": ["test_cursor"], "max_score": 30.0, '
    '"name": "hidden", "score": 24.0, "status": "failed"}], "tier": "practice"}'
)


def _official_report(commit: str = "b" * 40) -> GradeReport:
    return _report(commit).model_copy(
        update={
            "tier": "official",
            "grader_commit": "c" * 40,
            "integrity": [Tampering(path="conftest.py", change="added")],
        }
    )


def test_an_old_line_still_loads_and_stays_byte_for_byte_when_a_grade_is_added(
    tmp_path: Path,
) -> None:
    path = store_path(tmp_path, "tasks-api", "ada")
    path.parent.mkdir(parents=True)
    path.write_text(OLD_LINE + "\n")

    old = load_store(tmp_path).history("tasks-api", "ada")[0]
    assert (old.tier, old.grader_commit, old.integrity, old.reason) == ("practice", "", (), "")
    assert record_submission(tmp_path, graded("ada", "tasks-api", 1, 90))
    assert path.read_text().splitlines()[0] == OLD_LINE


def test_a_line_that_does_not_say_it_is_official_is_practice(tmp_path: Path) -> None:
    path = store_path(tmp_path, "tasks-api", "ada")
    path.parent.mkdir(parents=True)
    path.write_text(OLD_LINE.replace(', "tier": "practice"', "") + "\n")

    assert load_store(tmp_path).history("tasks-api", "ada")[0].tier == "practice"


def test_an_official_report_keeps_its_grader_commit_files_put_back_and_reason() -> None:
    sub = submission_from_report(_official_report(), learner="ada", reason="deadline")

    assert (sub.tier, sub.grader_commit, sub.reason) == ("official", "c" * 40, "deadline")
    assert sub.integrity == (PutBack(path="conftest.py", change="added"),)
    assert json.loads(format_line(sub))["integrity"] == [{"change": "added", "path": "conftest.py"}]


def test_a_not_graded_line_is_kept_apart_from_the_grades(tmp_path: Path) -> None:
    record_submission(tmp_path, graded("ada", "tasks-api", 3, 40))
    record_submission(tmp_path, not_graded("ada", "tasks-api", 3, "runner lost"))

    store = load_store(tmp_path)
    assert [s.score for s in store.history("tasks-api", "ada")] == [40]
    assert [a.not_graded for a in store.attempts("tasks-api", "ada")] == ["runner lost"]
    assert len(store) == 1  # a grade not given is not a grade
    lines = store_path(tmp_path, "tasks-api", "ada").read_text().splitlines()
    assert "score" not in json.loads(lines[1])


def test_a_learner_with_only_a_grade_not_given_is_still_in_the_store(tmp_path: Path) -> None:
    record_submission(tmp_path, not_graded("gil", "notes-api", 2, "repository not found"))

    store = load_store(tmp_path)
    assert (store.learners, store.assignments) == (["gil"], ["notes-api"])
    assert store.history("notes-api", "gil") == ()


def test_a_not_graded_line_without_its_cause_names_the_field(tmp_path: Path) -> None:
    record_submission(tmp_path, not_graded("ada", "tasks-api", 3, "runner lost"))
    path = store_path(tmp_path, "tasks-api", "ada")
    path.write_text(path.read_text().replace('"runner lost"', '""'))

    with pytest.raises(UserError, match=r"ada\.jsonl:1: not_graded: .*at least 1 character"):
        load_store(tmp_path)


def test_a_batch_is_one_write_per_file_and_skips_what_is_there(tmp_path: Path) -> None:
    first = [graded("ada", "tasks-api", 3, 40), graded("bo", "tasks-api", 3, 50)]
    assert record_lines(tmp_path, first) == 2

    again = [*first, graded("ada", "tasks-api", 1, 90), not_graded("cy", "tasks-api", 1, "x")]
    assert record_lines(tmp_path, again) == 2
    assert len(load_store(tmp_path)) == 3
    assert record_lines(tmp_path, again) == 0
