"""`[app] workers` and `[app] instances`: the learner's worker processes run beside the service,
are started again when they die, and stop with it; the service runs as two instances.

Every grading here runs the `jobs` fixture assignment (tests/fixtures/assignments/jobs) on a
submission of tests/fixtures/jobs: a stdlib service that queues jobs as files, and a worker
process that does them (its hidden checks post to either instance and kill the worker mid-job).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from graders.model.assignment import load_assignment
from graders.model.report import GradeReport, StageResult, Submission
from graders.running.engine import grade_submission
from tests.conftest import FIXTURES
from tests.graders.conftest import live_processes

pytestmark = pytest.mark.slow
JOBS = FIXTURES / "assignments" / "jobs"
SUBMISSIONS = FIXTURES / "jobs"


@pytest.fixture(autouse=True)
def _runs(grading_runs: Path) -> Path:
    return grading_runs


def submission(name: str, parent: Path) -> Path:
    """`worker_runs` first, then the named fixture's files on top."""
    target = parent / name
    shutil.copytree(SUBMISSIONS / "worker_runs", target)
    shutil.copytree(SUBMISSIONS / name, target, dirs_exist_ok=True)
    return target


def hidden(folder: Path) -> StageResult:
    report: GradeReport = grade_submission(
        load_assignment(JOBS),
        folder,
        hidden_tests=JOBS / "hidden_tests",
        skip=frozenset(),
        submission_info=Submission(path=folder.name),
    )
    found = report.stage("hidden")
    assert found is not None
    return found


def test_the_worker_does_the_services_jobs_and_nothing_of_it_outlives_the_grading(
    tmp_path, grading_runs
):
    stage = hidden(submission("worker_runs", tmp_path))
    assert stage.status == "passed", stage
    # One check killed the worker mid-job: the stage says so, apart from the checks' count.
    assert stage.message == (
        "3 of 3 hidden checks pass; the worker `python -m app.worker` stopped 1 time during "
        "the stage and was started again (last: killed by signal 9)"
    )
    assert live_processes(grading_runs, "app.worker") == []


def test_a_worker_that_cannot_start_is_named_with_what_it_said(tmp_path, grading_runs):
    stage = hidden(submission("worker_exits", tmp_path))
    assert stage.status == "error"
    assert stage.cause == "service-exited"
    assert "the worker `python -m app.worker` exited with code 1" in stage.message
    assert "JOBS_QUEUE_URL is not set" in stage.message
    assert live_processes(grading_runs, "app.main") == []
