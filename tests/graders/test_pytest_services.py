"""The databases of `[app.services]` in the stages that run pytest (tests, test_quality):
real PostgreSQL and Redis, started per run by graders.running.pytest_services, no mocks.

Every grading here runs the `orders_suite` fixture assignment on its starter with a folder of
tests/fixtures/orders_suite over it, named by what it does.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from graders.model.assignment import (
    AppSpec,
    PostgresService,
    Services,
    Upstream,
    load_assignment,
)
from graders.model.report import GradeReport, StageResult, Submission
from graders.running.containment import detect
from graders.running.engine import grade_submission
from graders.running.pytest_services import pytest_services
from graders.running.services import backing_services
from tests.conftest import FIXTURES
from tests.graders.test_services import servers_running

pytestmark = pytest.mark.slow
SUITE = FIXTURES / "assignments" / "orders_suite"
SUBMISSIONS = FIXTURES / "orders_suite"
ALL_BUT = {
    "tests": frozenset({"test_quality", "lint", "types"}),
    "test_quality": frozenset({"tests", "lint", "types"}),
}


@pytest.fixture(autouse=True)
def _runs(grading_runs: Path) -> Path:
    return grading_runs


def submission(name: str | None, parent: Path) -> Path:
    target = parent / (name or "starter")
    shutil.copytree(SUITE / "starter", target)
    if name is not None:
        shutil.copytree(SUBMISSIONS / name, target, dirs_exist_ok=True)
    target.chmod(0o755)
    return target


def grade(folder: Path, stage: str) -> StageResult:
    report: GradeReport = grade_submission(
        load_assignment(SUITE),
        folder,
        hidden_tests=SUITE / "hidden_tests",
        skip=ALL_BUT[stage],
        submission_info=Submission(path=folder.name),
        official=False,
    )
    found = report.stage(stage)  # type: ignore[arg-type]
    assert found is not None
    return found


def test_the_public_tests_reach_postgres_and_redis_through_app_env(tmp_path, grading_runs):
    tests = grade(submission(None, tmp_path), "tests")
    assert tests.status == "passed", tests.message + tests.log_excerpt
    assert tests.message == "2 of 2 tests pass"
    assert servers_running(grading_runs) == []


def test_every_run_of_the_learners_tests_starts_from_an_empty_database(tmp_path, grading_runs):
    stage = grade(submission("catches_the_page_bug", tmp_path), "test_quality")
    assert stage.message == "your tests exposed 1 of 1 bugs", stage.checks
    assert stage.score == stage.max_score
    assert servers_running(grading_runs) == []


def test_a_suite_cannot_leave_a_note_in_the_database_for_a_later_run(tmp_path):
    stage = grade(submission("remembers_the_solution_between_runs", tmp_path), "test_quality")
    assert stage.message == "your tests exposed 0 of 1 bugs", stage.checks
    assert stage.score == 0


def test_public_tests_cannot_reach_another_gradings_database(tmp_path, grading_runs):
    caps = detect()
    if not (caps.own_uid and caps.private_filesystem):
        pytest.skip("needs root, setpriv and bubblewrap (make test installs them as root)")
    folder = submission("reaches_another_gradings_database", tmp_path)
    with backing_services(Services(postgres=PostgresService())) as other:
        assert other is not None and other.postgres is not None
        url = other.postgres.url
        done = subprocess.run(
            [str(other.postgres.bin / "psql"), "-X", "-q", url, "-c",
             "CREATE TABLE notes (secret text); INSERT INTO notes VALUES ('another grading''s')"],
            capture_output=True, text=True, timeout=30, env={"PATH": "/usr/bin:/bin"},
        )  # fmt: skip
        assert done.returncode == 0, done.stderr  # the URL works, from outside the sandbox
        (folder / "tests" / "other_url.txt").write_text(url)
        tests = grade(folder, "tests")
    outcomes = {check.name.rsplit("::", 1)[-1]: check.status for check in tests.checks}
    assert outcomes == {
        "test_orders_come_newest_first": "passed",
        "test_reads_another_gradings_orders": "failed",
    }, tests.log_excerpt
    assert servers_running(grading_runs) == []


@pytest.mark.parametrize("stage", ["tests", "test_quality"])
def test_a_missing_postgres_ends_the_stage_with_what_to_install(
    tmp_path, grading_runs, monkeypatch, stage
):
    monkeypatch.setattr("graders.running.services.postgres_bin", lambda: None)
    result = grade(submission("catches_the_page_bug", tmp_path), stage)
    assert (result.status, result.cause) == ("error", "services-unavailable"), result.message
    assert "apt-get install -y postgresql" in result.message
    assert servers_running(grading_runs) == []


def test_an_upstreams_address_is_left_to_the_tests_own_copy(tmp_path: Path) -> None:
    """The learner's tests run with no network: `{upstream_NAME_url}` would name an address
    they cannot reach, so the variable is left out and their conftest starts its own copy."""
    app = AppSpec(
        start="python -m app",
        env={"DATABASE_URL": "{postgres_url}", "LEDGER_URL": "{upstream_ledger_url}"},
        services=Services(postgres=PostgresService()),
        upstreams={"ledger": Upstream(script="upstreams/ledger.py")},
    )
    with pytest_services(app, tmp_path) as started:
        assert "LEDGER_URL" not in started.env
        assert started.env["DATABASE_URL"].startswith("postgresql://learner:")
