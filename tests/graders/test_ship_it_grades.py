"""ship-it's hidden checks see the five ways a service can look production-ready and not be.

Each fixture (tests/fixtures/ship-it/*.patch) is the reference solution with one protection
taken out; graded for real (two instances, the grader's PostgreSQL, Parcelway run and scripted
by the grader, each instance's output and start-command pid handed to the checks), the checks
of that protection fail while the file's others pass. Only the hidden file that holds those
checks runs. (The solution's full marks and the starter's share are in test_template_grades.py.)
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import FIXTURES, ROOT
from tests.graders.calibration import hidden_statuses, patched_solution

pytestmark = pytest.mark.slow
SHIP_IT = ROOT / "templates" / "ship-it"
BROKEN = FIXTURES / "ship-it"


@pytest.fixture(autouse=True)
def _runs(grading_runs: Path) -> Path:
    return grading_runs


def broken(name: str, work: Path) -> Path:
    return patched_solution(SHIP_IT, BROKEN / f"{name}.patch", work)


def hidden_checks(submission: Path, work: Path, *check_files: str) -> dict[str, str]:
    return hidden_statuses(SHIP_IT, submission, work, *check_files)


def test_a_shutdown_that_waits_for_nothing_drops_the_request_in_flight(tmp_path: Path) -> None:
    """uvicorn with no grace period cancels the request waiting for Parcelway."""
    submission = broken("drops_requests_on_sigterm", tmp_path)
    seen = hidden_checks(submission, tmp_path, "test_shutdown.py")
    assert seen == {"test_sigterm_finishes_the_request_in_flight_then_exits": "failed"}


def test_readiness_that_never_asks_the_database_stays_ready_without_it(tmp_path: Path) -> None:
    """The grader takes the database away: /readyz must notice."""
    submission = broken("ready_without_asking_the_database", tmp_path)
    seen = hidden_checks(submission, tmp_path, "test_health.py")
    assert seen["test_readiness_follows_the_database_and_liveness_does_not"] == "failed", seen
    assert seen["test_readyz_is_200_when_the_database_answers"] == "passed", seen


def test_a_blocking_call_to_parcelway_holds_up_every_other_request(tmp_path: Path) -> None:
    """The same call without `await`: the event loop waits with it."""
    seen = hidden_checks(broken("blocking_carrier_call", tmp_path), tmp_path, "test_carrier.py")
    assert seen["test_a_slow_carrier_holds_up_no_other_request"] == "failed", seen
    assert seen["test_a_carrier_that_fails_twice_is_asked_a_third_time"] == "passed", seen


def test_retries_without_a_wait_are_seen_on_parcelways_clock(tmp_path: Path) -> None:
    """Three calls in a row: Parcelway's record shows no gap between them."""
    seen = hidden_checks(broken("retries_at_once", tmp_path), tmp_path, "test_carrier.py")
    assert seen["test_retries_wait_a_little_longer_each_time"] == "failed", seen
    assert seen["test_a_carrier_that_fails_twice_is_asked_a_third_time"] == "passed", seen


def test_uvicorns_own_text_lines_break_the_json_log(tmp_path: Path) -> None:
    """The request lines are JSON, uvicorn's startup lines are not."""
    seen = hidden_checks(broken("uvicorn_logs_as_text", tmp_path), tmp_path, "test_logs.py")
    assert seen["test_every_line_the_service_prints_is_a_json_object"] == "failed", seen
    assert seen["test_the_callers_request_id_is_echoed_and_logged"] == "passed", seen
