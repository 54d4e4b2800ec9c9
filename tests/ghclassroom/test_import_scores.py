"""An imported assignment scores each submission exactly as GitHub Classroom did.

For every fixture template (tests/fixtures/classroom/*: autograding.json with pytest commands,
with io tests, with run commands; a workflow with the python, io and command graders) and
each of its submissions (the starter included): GitHub Classroom's score comes from
tests/ghclassroom/reference.py, a small implementation of its rules run on the template with
the submission laid over it; ours from grading the imported assignment with the real engine.
Tests that became stubs are left out of both sides and listed apart.
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from graders.feedback.exporters import classroom_runners, to_classroom_env
from graders.model.assignment import load_assignment
from graders.model.report import GradeReport, Submission
from graders.running.engine import grade_submission
from orchestrator.commands.import_classroom import import_classroom
from tests.conftest import FIXTURES
from tests.ghclassroom import reference

CLASSROOM = FIXTURES / "classroom"
pytestmark = pytest.mark.usefixtures("grading_runs")  # gradings in a sandbox-readable folder
TEMPLATES = sorted(p.name for p in CLASSROOM.iterdir() if (p / "template").is_dir())
CASES = [
    (name, outcome)
    for name in TEMPLATES
    for outcome in [
        "starter",
        *sorted(p.name for p in (CLASSROOM / name / "submissions").iterdir()),
    ]
]
STUBS = {"notes-cli-commands": {"Server answers"}}


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each fixture template imported once, with no hand edit."""
    root = tmp_path_factory.mktemp("imported")
    for name in TEMPLATES:
        import_classroom(CLASSROOM / name / "template", root / name, slug=name)
    return {name: root / name for name in TEMPLATES}


def overlay(base: Path, outcome: str, name: str, target: Path) -> Path:
    """`base` with the submission's files laid over it (the starter: nothing laid)."""
    shutil.copytree(base, target)
    if outcome != "starter":
        shutil.copytree(CLASSROOM / name / "submissions" / outcome, target, dirs_exist_ok=True)
    return target


def github_classroom(name: str, outcome: str, tmp_path: Path) -> list[reference.Scored]:
    template = CLASSROOM / name / "template"
    repo = overlay(template, outcome, name, tmp_path / "github")
    stubs = STUBS.get(name, set())
    if (template / ".github/classroom/autograding.json").is_file():
        return reference.autograding_json(template, repo, stubs)
    return reference.workflow(template, repo, stubs)


def ours(imported: Path, name: str, outcome: str, tmp_path: Path) -> GradeReport:
    repo = overlay(imported / "starter", outcome, name, tmp_path / "ours")
    return grade_submission(
        load_assignment(imported),
        repo,
        hidden_tests=None,
        skip=frozenset(),
        submission_info=Submission(path=str(repo)),
    )


def named_verdicts(report: GradeReport) -> dict[str, bool]:
    """Each io, command and all-or-nothing check by name (the GitHub Classroom test's)."""
    return {
        check.name: check.status == "passed"
        for stage in report.stages
        for check in stage.checks
        if stage.name in ("io", "commands") or check.node_id
    }


@pytest.mark.slow
@pytest.mark.parametrize(("name", "outcome"), CASES)
def test_the_imported_assignment_scores_as_github_classroom_did(name, outcome, imported, tmp_path):
    theirs = github_classroom(name, outcome, tmp_path)
    report = ours(imported[name], name, outcome, tmp_path)

    assert report.score == round(reference.total(theirs), 2)
    template = CLASSROOM / name / "template"
    assert report.max_score == reference.maximum(template, STUBS.get(name, set()))
    verdicts = named_verdicts(report)
    python_tests = [r for r in theirs if r.name not in verdicts]
    assert {r.name: r.passed for r in theirs if r.name in verdicts} == verdicts
    tests = report.stage("tests")
    if python_tests:  # the python grader: one share per test it found
        assert tests is not None
        assert sum(c.status == "passed" for c in tests.checks) == sum(
            r.passed for r in python_tests
        )
        assert len(tests.checks) == len(python_tests)


@pytest.mark.slow
def test_the_reporters_totals_agree_with_the_grade_when_points_do_not_divide(imported, tmp_path):
    """30 points over 7 tests: every item survives the export in whole cents, the reporter's
    `Points` notice prints the grade itself and every per-runner line agrees with its tests."""
    report = ours(imported["leap-year-actions"], "leap-year-actions", "forgets_the_400_rule",
                  tmp_path)  # fmt: skip
    assert report.score == 32.14

    runners = [
        (line.split("=", 1)[0].removesuffix("_RESULTS").lower(), line.split("=", 1)[1])
        for line in to_classroom_env(report).splitlines()
        if line.split("=", 1)[0].endswith("_RESULTS")
    ]
    payloads = [(name, json.loads(base64.b64decode(value))) for name, value in runners]
    assert payloads == classroom_runners(report)
    notice, lines = reference.reporter_lines(payloads)

    assert notice == "Points 32.14/50"
    tests = dict(payloads)["classroom_tests"]
    assert len(tests["tests"]) == 7  # one item per test, though 30 / 7 is no whole number
    scored = [(name, payload) for name, payload in payloads if payload["max_score"]]
    for (name, payload), line in zip(scored, lines, strict=True):
        earned = sum(t["score"] for t in payload["tests"])
        assert (
            line
            == f"Total points for {name}: {earned:.2f}/{reference.js_number(payload['max_score'])}"
        )


GRADE_WORKFLOW = Path(__file__).resolve().parents[2] / ".github" / "workflows" / "grade.yml"


def _reporter_step_script() -> str:
    jobs = yaml.safe_load(GRADE_WORKFLOW.read_text())["jobs"]
    steps = jobs["github-classroom"]["steps"]
    return next(s["run"] for s in steps if "GITHUB_ENV" in s.get("run", ""))


@pytest.mark.slow
def test_the_documented_reporter_step_hands_over_our_runners_and_nothing_else(imported, tmp_path):
    """The grade job ran learner code, so the env file it left is read through an allowlist:
    our runners' variables reach $GITHUB_ENV, a line that would set anything else does not."""
    report = ours(imported["fizzbuzz-io"], "fizzbuzz-io", "shouts_the_greeting", tmp_path)
    out = tmp_path / "grade-out"
    out.mkdir()
    forged = "NODE_OPTIONS=--require /tmp/evil.js\nCLASSROOM_X_RESULTS=a b\nBASH_ENV=/tmp/x\n"
    (out / "classroom-reporter.env").write_text(to_classroom_env(report) + forged)
    github_env = tmp_path / "github_env"
    github_env.touch()

    done = subprocess.run(
        ["bash", "-c", _reporter_step_script()],
        cwd=tmp_path,
        env={"GITHUB_ENV": str(github_env), "PATH": "/usr/bin:/bin"},
        check=True,
    )

    handed = dict(line.split("=", 1) for line in github_env.read_text().splitlines())
    assert done.returncode == 0 and "NODE_OPTIONS" not in handed and "BASH_ENV" not in handed
    runners = handed.pop("CLASSROOM_RUNNERS").split(",")
    payloads = [(r, json.loads(base64.b64decode(handed[f"{r.upper()}_RESULTS"]))) for r in runners]
    notice, _ = reference.reporter_lines(payloads)
    assert notice == f"Points {reference.js_number(report.score)}/11" == "Points 9/11"
