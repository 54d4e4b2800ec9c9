"""The databases the grader starts (`[app.services]`): real PostgreSQL and Redis, no mocks.

Every grading here runs the `orders` fixture assignment (tests/fixtures/assignments/orders)
on a submission of tests/fixtures/orders, named by what it does.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from graders.assignment import load_assignment
from graders.engine import grade_submission
from graders.report import GradeReport, StageResult, Submission
from tests.conftest import FIXTURES
from tests.graders.conftest import live_processes

pytestmark = pytest.mark.slow
ORDERS = FIXTURES / "assignments" / "orders"
ORDERS_SUBMISSIONS = FIXTURES / "orders"
SERVERS = ("postgres", "redis-server")


@pytest.fixture(autouse=True)
def _runs(grading_runs: Path) -> Path:
    return grading_runs


def submission(name: str, parent: Path) -> Path:
    """`joins_orders` first, then the named fixture's files on top."""
    target = parent / name
    shutil.copytree(ORDERS_SUBMISSIONS / "joins_orders", target)
    if name != "joins_orders":
        shutil.copytree(ORDERS_SUBMISSIONS / name, target, dirs_exist_ok=True)
    return target


def grade(folder: Path, skip: frozenset[str] = frozenset()) -> GradeReport:
    return grade_submission(
        load_assignment(ORDERS),
        folder,
        hidden_tests=ORDERS / "hidden_tests",
        skip=skip,
        submission_info=Submission(path=folder.name),
    )


def stage(report: GradeReport, name: str) -> StageResult:
    found = report.stage(name)  # type: ignore[arg-type]
    assert found is not None
    return found


def servers_running(runs: Path) -> list[str]:
    return [p for server in SERVERS for p in live_processes(runs, server)]


def test_the_service_reaches_postgres_and_redis_through_its_placeholders(tmp_path, grading_runs):
    report = grade(submission("joins_orders", tmp_path))
    hidden = stage(report, "hidden")
    assert hidden.status == "passed", hidden
    assert stage(report, "load").load is not None
    assert servers_running(grading_runs) == []


def test_a_missing_postgres_ends_the_stage_with_what_to_install(
    tmp_path, grading_runs, monkeypatch
):
    monkeypatch.setattr("graders.services.postgres_bin", lambda: None)
    report = grade(submission("joins_orders", tmp_path), skip=frozenset({"load"}))
    hidden = stage(report, "hidden")
    assert hidden.status == "error"
    assert hidden.cause == "services-unavailable", hidden.message + hidden.log_excerpt
    assert "apt-get install -y postgresql" in hidden.message
    assert servers_running(grading_runs) == []


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupted_grade_leaves_no_database_running(tmp_path, grading_runs, sig):
    grader = subprocess.Popen(
        [sys.executable, "-m", "classroom.cli", "grade", str(submission("joins_orders", tmp_path)),
         "--assignment", str(ORDERS), "--out", str(tmp_path / "out"), "--skip", "hidden"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while not live_processes(grading_runs, "app.main") and time.monotonic() < deadline:
            assert grader.poll() is None, grader.communicate()
            time.sleep(0.05)
        assert servers_running(grading_runs), "the load stage's databases never started"
        grader.send_signal(sig)
        _, err = grader.communicate(timeout=60)
        assert grader.returncode == 130, err
        assert servers_running(grading_runs) == []
        assert live_processes(grading_runs) == []
    finally:
        if grader.poll() is None:
            grader.kill()
