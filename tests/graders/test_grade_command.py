"""`classroom grade` end to end through `main()`: outputs, exit codes, skips, previous runs."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from classroom.cli import main
from graders.model.report import GradeReport
from tests.conftest import NOTES_ASSIGNMENT, SUBMISSIONS

pytestmark = pytest.mark.slow
HIDDEN = NOTES_ASSIGNMENT / "hidden_tests"


@pytest.fixture(autouse=True)
def _runs(grading_runs: Path) -> Path:
    return grading_runs


def grade(*args: str | Path) -> int:
    return main(["grade", *map(str, args)])


def test_a_graded_submission_leaves_results_feedback_and_exports(tmp_path, capsys):
    out = tmp_path / "out"
    code = grade(
        SUBMISSIONS / "passes_all",
        "--assignment",
        NOTES_ASSIGNMENT,
        "--hidden-tests",
        HIDDEN,
        "--out",
        out,
    )
    assert code == 0
    report = GradeReport.model_validate_json((out / "results.json").read_text())
    assert (report.score, report.max_score, report.schema_version) == (100, 100, 1)
    assert set(report.tool_versions) >= {"pytest", "ruff", "mypy", "locust", "uv"}
    assert (out / "feedback.md").read_text().startswith("<!-- classroom:feedback -->")
    gradescope = json.loads((out / "gradescope-results.json").read_text())
    assert gradescope["score"] == 100
    reporter = json.loads(base64.b64decode((out / "classroom-reporter.b64").read_text()))
    assert reporter["max_score"] == 100 and reporter["status"] == "pass"
    assert "100 / 100" in capsys.readouterr().out


def test_skipped_stages_say_they_were_skipped_and_json_output_is_the_report(tmp_path, capsys):
    code = grade(
        SUBMISSIONS / "passes_all",
        "--assignment",
        NOTES_ASSIGNMENT,
        "--out",
        tmp_path,
        "--skip",
        "load",
        "--skip",
        "types",
        "--format",
        "json",
    )
    assert code == 0
    printed = GradeReport.model_validate_json(capsys.readouterr().out)
    for name in ("load", "types"):
        assert printed.stage(name).status == "skipped"
        assert "skipped on request" in printed.stage(name).message
    hidden = printed.stage("hidden")
    assert hidden.status == "skipped" and "no hidden tests were given" in hidden.message


def test_the_graded_commit_and_the_change_since_the_previous_one_are_recorded(tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(SUBMISSIONS / "passes_all", repo)
    shutil.copytree(SUBMISSIONS / "syntax_error", repo, dirs_exist_ok=True)
    git = ["git", "-C", str(repo), "-c", "user.email=l@example.com", "-c", "user.name=L"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "first"], check=True)
    first, second = tmp_path / "first", tmp_path / "second"
    skip = ["--skip", "load", "--skip", "hidden"]
    assert grade(repo, "--assignment", NOTES_ASSIGNMENT, "--out", first, *skip) == 0
    shutil.copy(SUBMISSIONS / "passes_all" / "app" / "main.py", repo / "app" / "main.py")
    subprocess.run([*git, "commit", "-qam", "fix the syntax error"], check=True)
    assert (
        grade(
            repo,
            "--assignment",
            NOTES_ASSIGNMENT,
            "--out",
            second,
            *skip,
            "--previous",
            first / "results.json",
        )
        == 0
    )
    before = GradeReport.model_validate_json((first / "results.json").read_text())
    after = GradeReport.model_validate_json((second / "results.json").read_text())
    assert after.submission.previous_commit == before.submission.commit
    assert len(after.submission.commit or "") == 40
    assert after.submission.commit != before.submission.commit
    assert after.score > before.score
    heading = (second / "feedback.md").read_text().splitlines()[1]
    assert f"+{after.score - before.score:g}" in heading and before.submission.commit[:7] in heading


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["nowhere", "--assignment", NOTES_ASSIGNMENT], "submission nowhere: no such folder"),
        ([SUBMISSIONS / "passes_all", "--assignment", "nowhere"], "no such assignment folder"),
        (
            [
                SUBMISSIONS / "passes_all",
                "--assignment",
                NOTES_ASSIGNMENT,
                "--hidden-tests",
                "nope",
            ],
            "--hidden-tests nope: no such folder",
        ),
        (
            [
                SUBMISSIONS / "passes_all",
                "--assignment",
                NOTES_ASSIGNMENT,
                "--previous",
                NOTES_ASSIGNMENT / "assignment.toml",
            ],
            "not a results.json this grader can read",
        ),
    ],
)
def test_bad_input_exits_2_with_the_fix_and_writes_nothing(tmp_path, capsys, args, expected):
    assert grade(*args, "--out", tmp_path / "out") == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and expected in err
    assert not (tmp_path / "out").exists()


def test_an_invalid_assignment_toml_names_file_field_and_fix(tmp_path, capsys):
    broken = tmp_path / "assignment"
    shutil.copytree(NOTES_ASSIGNMENT, broken)
    toml = broken / "assignment.toml"
    toml.write_text(toml.read_text().replace("per_finding = 2", "per_findings = 2"))
    assert grade(SUBMISSIONS / "passes_all", "--assignment", broken) == 2
    err = capsys.readouterr().err
    assert str(toml) in err and "stages.lint.per_findings: unknown field" in err


def test_a_grader_bug_in_one_stage_exits_3_but_keeps_the_other_results(tmp_path, monkeypatch):
    def broken_lint(_ctx):
        raise RuntimeError("bug in lint")

    monkeypatch.setattr("graders.stages.lint.run", broken_lint)
    monkeypatch.setenv("CLASSROOM_LOG_DIR", str(tmp_path / "logs"))
    code = grade(
        SUBMISSIONS / "passes_all",
        "--assignment",
        NOTES_ASSIGNMENT,
        "--out",
        tmp_path,
        "--skip",
        "load",
    )
    assert code == 3
    report = GradeReport.model_validate_json((tmp_path / "results.json").read_text())
    assert report.stage("lint").status == "error"
    assert "not yours" in report.stage("lint").message
    assert report.stage("tests").status == "passed"
    logs = list((tmp_path / "logs").glob("classroom-crash-*.log"))
    assert len(logs) == 1 and "RuntimeError: bug in lint" in logs[0].read_text()


def test_an_unexpected_crash_exits_3_with_the_traceback_in_a_log(tmp_path, capsys, monkeypatch):
    def explode(*_args, **_kwargs):
        raise KeyError("unexpected")

    monkeypatch.setattr("graders.commands.grade.load_assignment", explode)
    monkeypatch.setenv("CLASSROOM_LOG_DIR", str(tmp_path))
    assert grade(SUBMISSIONS / "passes_all", "--assignment", NOTES_ASSIGNMENT) == 3
    err = capsys.readouterr().err
    log = Path(err.split("traceback written to ")[1].split(".log")[0] + ".log")
    assert "KeyError: 'unexpected'" in log.read_text()
