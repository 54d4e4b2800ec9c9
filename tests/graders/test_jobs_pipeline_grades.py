"""jobs-pipeline's hidden checks see the five ways a queue can look right and be wrong.

Each fixture (tests/fixtures/jobs-pipeline/*.patch) is the reference solution with one
protection taken out; graded for real (the API and its two workers, the grader's PostgreSQL,
and Ledgerly run and scripted by the grader), the checks of that protection fail while the
file's others pass. Only the hidden files that hold those checks run. (The solution's full
marks and the starter's share are in test_template_grades.py.)
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import FIXTURES, ROOT
from tests.graders.calibration import hidden_statuses, patched_solution

pytestmark = pytest.mark.slow
JOBS = ROOT / "templates" / "jobs-pipeline"
BROKEN = FIXTURES / "jobs-pipeline"


@pytest.fixture(autouse=True)
def _runs(grading_runs: Path) -> Path:
    return grading_runs


def broken(name: str, work: Path) -> Path:
    return patched_solution(JOBS, BROKEN / f"{name}.patch", work)


def hidden_checks(submission: Path, work: Path, *check_files: str) -> dict[str, str]:
    return hidden_statuses(JOBS, submission, work, *check_files)


def test_posting_to_ledgerly_in_the_request_waits_for_it(tmp_path: Path) -> None:
    """The upload is booked before it is answered: Ledgerly's slow day is the browser's."""
    seen = hidden_checks(broken("posts_in_the_request", tmp_path), tmp_path, "test_uploads.py")
    assert seen["test_an_upload_is_answered_before_ledgerly_is"] == "failed", seen
    assert seen["test_an_upload_is_202_with_its_job"] == "passed", seen


def test_a_new_idempotency_key_each_attempt_books_a_lost_answer_twice(tmp_path: Path) -> None:
    """The retry after a timeout is a new entry (so is the attempt after a killed worker)."""
    submission = broken("a_new_key_each_attempt", tmp_path)
    seen = hidden_checks(submission, tmp_path, "test_retries.py")
    assert seen["test_an_answer_that_never_came_books_nothing_twice"] == "failed", seen
    assert seen["test_a_ledger_that_fails_twice_gets_a_third_attempt"] == "passed", seen


def test_a_claim_that_does_not_take_the_job_lets_both_workers_post_it(tmp_path: Path) -> None:
    """The job stays queued while its worker calls Ledgerly: the other worker takes it too."""
    submission = broken("claims_without_taking", tmp_path)
    seen = hidden_checks(submission, tmp_path, "test_processing.py")
    assert seen == {
        "test_an_import_is_booked_in_the_ledger": "passed",
        "test_two_workers_never_post_the_same_job": "failed",
    }


def test_a_worker_that_sleeps_out_the_backoff_holds_up_the_queue(tmp_path: Path) -> None:
    """Both workers wait with a failing job in hand while a good job queues behind them."""
    submission = broken("sleeps_with_the_job_in_hand", tmp_path)
    seen = hidden_checks(submission, tmp_path, "test_backlog.py")
    assert seen == {"test_a_failing_job_does_not_hold_up_the_others": "failed"}


def test_a_job_without_a_lease_stays_running_after_its_worker_died(tmp_path: Path) -> None:
    """Nothing takes a running job again: the killed worker's job never finishes."""
    seen = hidden_checks(broken("no_lease", tmp_path), tmp_path, "test_crash.py")
    assert seen == {"test_a_worker_killed_mid_job_leaves_the_job_to_another": "failed"}
