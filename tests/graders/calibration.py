"""The calibration grades of templates/*/: graded once per test session, shared by test files;
and the hostile fixtures' way of grading a solution with one protection taken out."""

from __future__ import annotations

import shutil
import subprocess
from functools import cache
from pathlib import Path

from graders.model.assignment import load_assignment
from graders.model.report import GradeReport, Submission
from graders.running.engine import grade_submission
from tests.conftest import ROOT

TEMPLATES = ROOT / "templates"
# The assignment whose class tests/official/test_official_e2e.py grades officially, through the
# course repository's workflow: its solution's and starter's grades there are its calibration
# (the same official grades, by the route the deadline takes), so they are not graded twice.
OFFICIAL_E2E_SLUG = "tasks-api"


@cache
def template_grade(slug: str, folder: str) -> GradeReport:
    """The official grade of templates/SLUG/FOLDER, every stage, computed once per session.

    Call it from a test that uses `grading_runs`: several test files assert different things
    about the same calibration grade, and grading twice would only cost time."""
    root = TEMPLATES / slug
    return grade_submission(
        load_assignment(root),
        root / folder,
        hidden_tests=root / "hidden_tests",
        skip=frozenset(),
        submission_info=Submission(path=f"{slug}/{folder}"),
        official=True,  # graded as the deadline would: protected files from the starter
    )


def describe(report: GradeReport) -> str:
    """Every stage of `report` in one line, for assertion messages; when the load stage missed
    marks, each of its rounds too (which service, the medians, the other work seen), so that a
    miss by chance on a slowed machine can be told from a real one after the run is gone."""
    stages = "; ".join(
        f"{s.name} {s.status} {s.score}/{s.max_score}: {s.message}" for s in report.stages
    )
    load = report.stage("load")
    if load is None or load.load is None or load.score == load.max_score:
        return stages
    rounds = [
        f"{r.service} {r.duration_seconds:.1f} s, foreign cores {r.foreign_cores}: "
        + ", ".join(f"{e.endpoint} p50 {e.p50_ms:g} ms" for e in r.endpoints)
        for r in load.load.rounds
    ]
    return stages + "\nload rounds:\n" + "\n".join(rounds)


def check_solution(report: GradeReport) -> None:
    """The solution's calibration: full marks, and no protected file needed changing."""
    assert report.score == report.max_score == 100, describe(report)
    assert report.integrity == [], "the solution must not need changes to protected files"


def check_starter(report: GradeReport) -> None:
    """The starter's calibration: under 40%, some public tests pass, the real work is left."""
    assert report.percent < 40, describe(report)
    assert report.stage("tests").score > 0, "the starter should pass some public tests"
    for name in ("hidden", "load"):
        assert report.stage(name).status == "failed", describe(report)


def check_milestones(solution: GradeReport, starter: GradeReport) -> None:
    """Each selector matches something in a complete grade (no typo goes unnoticed), every
    milestone is done in the solution's grade, and the starter has work left in each."""
    for done in solution.milestones:
        assert done.not_run == [], f"{done.id}: nothing matches {done.not_run}"
        assert done.status == "done", f"{done.id}: {done.failing}"
    for todo in starter.milestones:
        assert todo.status == "in_progress", f"{todo.id} is {todo.status} in the starter"


def patched_solution(template: Path, patch: Path, work: Path) -> Path:
    """templates/X/solution copied into `work` with one hostile `patch` applied (a patch, not
    a copied file: it stops applying, loudly, when the solution changes under it)."""
    target = work / patch.stem
    shutil.copytree(template / "solution", target)
    subprocess.run(["git", "apply", str(patch)], cwd=target, check=True, timeout=30)
    return target


def hidden_statuses(template: Path, submission: Path, work: Path, *files: str) -> dict[str, str]:
    """The status of every check in the hidden files named, `submission` graded with only
    those files (and the conftest) beside the hidden stage: what the others check is left out."""
    checks = work / "hidden_tests"
    checks.mkdir()
    for name in ("conftest.py", *files):
        shutil.copy(template / "hidden_tests" / name, checks / name)
    report = grade_submission(
        load_assignment(template),
        submission,
        hidden_tests=checks,
        skip=frozenset({"tests", "lint", "types", "load"}),
        submission_info=Submission(path=submission.name),
    )
    hidden = report.stage("hidden")
    assert hidden is not None and hidden.checks, describe(report)
    # The weights name every check: the other files' are reported as not run, and left out.
    return {c.name: c.status for c in hidden.checks if c.node_id.split("::")[0] in files}
