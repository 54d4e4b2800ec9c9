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

from graders.model.assignment import load_assignment
from graders.model.report import GradeReport, StageResult, Submission
from graders.running.engine import grade_submission
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
    """Database processes still running, and database folders still on disk."""
    running = [p for server in SERVERS for p in live_processes(runs, server)]
    return running + [str(folder) for folder in runs.glob("classroom-db-*")]


def test_the_service_reaches_postgres_and_redis_through_its_placeholders(tmp_path, grading_runs):
    report = grade(submission("joins_orders", tmp_path))
    hidden = stage(report, "hidden")
    assert hidden.status == "passed", hidden
    assert stage(report, "load").load is not None
    assert servers_running(grading_runs) == []


def test_a_missing_postgres_ends_the_stage_with_what_to_install(
    tmp_path, grading_runs, monkeypatch
):
    monkeypatch.setattr("graders.running.services.postgres_bin", lambda: None)
    report = grade(submission("joins_orders", tmp_path), skip=frozenset({"load"}))
    hidden = stage(report, "hidden")
    assert hidden.status == "error"
    assert hidden.cause == "services-unavailable", hidden.message + hidden.log_excerpt
    assert "apt-get install -y postgresql" in hidden.message
    assert servers_running(grading_runs) == []


def _grade_until_serving(tmp_path: Path, runs: Path) -> subprocess.Popen[bytes]:
    """`classroom grade` in a process of its own, once its load stage's service is up."""
    grader = subprocess.Popen(
        [sys.executable, "-m", "classroom.cli", "grade", str(submission("joins_orders", tmp_path)),
         "--assignment", str(ORDERS), "--out", str(tmp_path / "out"), "--skip", "hidden"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while not live_processes(runs, "app.main") and time.monotonic() < deadline:
        assert grader.poll() is None, grader.communicate()
        time.sleep(0.05)
    assert servers_running(runs), "the load stage's databases never started"
    return grader


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_an_interrupted_grade_leaves_no_database_running(tmp_path, grading_runs, sig):
    grader = _grade_until_serving(tmp_path, grading_runs)
    try:
        grader.send_signal(sig)
        _, err = grader.communicate(timeout=60)
        assert grader.returncode == 128 + sig, err
        assert f"interrupted by {sig.name}".encode() in err
        assert servers_running(grading_runs) == []
        assert live_processes(grading_runs) == []
        assert list(grading_runs.glob("classroom-grade-*")) == []
    finally:
        if grader.poll() is None:
            grader.kill()


def test_a_grade_killed_outright_leaves_no_database_running(tmp_path, grading_runs):
    """SIGKILL: no handler, no `finally`; the grader's watchdog (basis.watchdog) stops the
    databases and the service and removes the grading's folders once it sees the grader gone."""
    grader = _grade_until_serving(tmp_path, grading_runs)
    grader.kill()
    grader.communicate()
    deadline = time.monotonic() + 30
    while servers_running(grading_runs) or live_processes(grading_runs):
        assert time.monotonic() < deadline, servers_running(grading_runs) + live_processes(
            grading_runs
        )
        time.sleep(0.1)
    assert list(grading_runs.glob("classroom-grade-*")) == []


def load_of(report: GradeReport):
    load = stage(report, "load")
    assert load.load is not None, load
    return load


def test_an_n_plus_one_orders_page_misses_its_statements_goal_every_time(tmp_path):
    folder = submission("n_plus_one", tmp_path)
    first, second = (load_of(grade(folder, skip=frozenset({"hidden"}))) for _ in range(2))
    for load in (first, second):
        goal = next(c for c in load.checks if c.missed == ["statements"])
        assert goal.message == "21 statements per request; the goal is at most 2"
        assert goal.score == 0
    assert first.load.statements == second.load.statements
    orders = next(s for s in first.load.statements if s.endpoint == "GET /orders")
    assert orders.requests == 3
    assert [(s.statement, s.per_request) for s in orders.shapes] == [
        ("SELECT name FROM customers WHERE id = $1", 20.0),
        ("SELECT id, total, customer_id FROM orders ORDER BY id DESC LIMIT $1", 1.0),
    ]


def test_the_orders_page_in_one_join_meets_its_statements_goal(tmp_path, grading_runs):
    load = load_of(grade(submission("joins_orders", tmp_path), skip=frozenset({"hidden"})))
    assert load.status == "passed", load.message
    assert load.score == load.max_score
    orders = next(s for s in load.load.statements if s.endpoint == "GET /orders")
    assert orders.per_request == 1.0
    assert load.load.database is not None and load.load.database.idle_connections == 0
    assert servers_running(grading_runs) == []


def test_a_service_that_never_uses_its_database_is_told_so(tmp_path):
    load = load_of(grade(submission("never_connects", tmp_path), skip=frozenset({"hidden"})))
    assert load.load.database is not None and load.load.database.statements == 0
    assert "never used the PostgreSQL database it was given" in load.message
    goal = next(c for c in load.checks if c.missed == ["statements"])
    assert goal.score == 0  # serving from memory does not pass a statements goal


def test_a_connection_closed_without_a_commit_still_counts_its_statement(tmp_path):
    load = load_of(grade(submission("closes_without_commit", tmp_path), skip=frozenset({"hidden"})))
    assert load.status == "passed", load.message
    orders = next(s for s in load.load.statements if s.endpoint == "GET /orders")
    assert orders.per_request == 1.0
    assert [s.statement for s in orders.shapes] == [
        "SELECT o.id, o.total, c.name FROM orders o JOIN customers c ON c.id = o.customer_id "
        "ORDER BY o.id DESC LIMIT $1"
    ]
    assert load.load.database is not None and load.load.database.sessions > 0
    assert "never used" not in load.message


def test_a_last_statement_hidden_by_an_unended_transaction_is_counted(tmp_path):
    load = load_of(
        grade(submission("hides_its_last_statement", tmp_path), skip=frozenset({"hidden"}))
    )
    goal = next(c for c in load.checks if c.missed == ["statements"])
    assert goal.message == "3 statements per request; the goal is at most 2"
    assert goal.score == 0
    orders = next(s for s in load.load.statements if s.endpoint == "GET /orders")
    assert (
        "SELECT count(*) FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.total >= $1"
        in [s.statement for s in orders.shapes]
    )


def test_a_transaction_left_open_after_the_answer_misses_the_goal_saying_why(tmp_path):
    load = load_of(
        grade(submission("leaves_a_transaction_open", tmp_path), skip=frozenset({"hidden"}))
    )
    orders = next(s for s in load.load.statements if s.endpoint == "GET /orders")
    assert orders.open_transaction
    goal = next(c for c in load.checks if c.missed == ["statements"])
    assert goal.score == 0
    assert "left a database transaction open after answering" in goal.message


def test_a_service_that_leaves_connections_open_is_told_so(tmp_path):
    load = load_of(grade(submission("leaks_connections", tmp_path), skip=frozenset({"hidden"})))
    database = load.load.database
    assert database is not None and database.idle_connections > database.max_idle_connections
    assert "connections open after the load test" in load.message
