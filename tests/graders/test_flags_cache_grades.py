"""flags-cache's hidden checks see the three ways a cache can look right and be wrong.

Each fixture (tests/fixtures/flags-cache/*.patch) is the reference solution with one
protection taken out; graded for real (two instances of the service, the grader's PostgreSQL
and Redis), the checks of that protection fail. Only the hidden file that holds those checks
runs: what the other files check is the solution's, unchanged. (The solution's full marks and
the starter's share are in test_template_grades.py.)
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import FIXTURES, ROOT
from tests.graders.calibration import hidden_statuses, patched_solution

pytestmark = pytest.mark.slow
FLAGS = ROOT / "templates" / "flags-cache"
BROKEN = FIXTURES / "flags-cache"


@pytest.fixture(autouse=True)
def _runs(grading_runs: Path) -> Path:
    return grading_runs


def broken(name: str, work: Path) -> Path:
    return patched_solution(FLAGS, BROKEN / f"{name}.patch", work)


def hidden_checks(submission: Path, work: Path, *check_files: str) -> dict[str, str]:
    return hidden_statuses(FLAGS, submission, work, *check_files)


def test_a_cache_in_each_processs_memory_serves_a_changed_flag(tmp_path: Path) -> None:
    """Forgetting a flag in the process that changed it leaves the other process's copy."""
    seen = hidden_checks(broken("cache_in_each_process", tmp_path), tmp_path, "test_changes.py")
    for stale in (
        "test_a_kill_switch_takes_effect_on_the_next_request",
        "test_a_page_load_sees_a_change_at_once",
        "test_a_new_rule_takes_effect_at_once",
    ):
        assert seen[stale] == "failed", seen
    assert seen["test_a_change_without_the_token_is_401_and_changes_nothing"] == "passed"


def test_a_cache_without_a_lock_stampedes_the_database_on_expiry(tmp_path: Path) -> None:
    """Every request that misses loads the flag itself: the burst waits on the locked tables."""
    seen = hidden_checks(broken("no_single_flight", tmp_path), tmp_path, "test_herd.py")
    assert seen == {
        "test_an_expired_flag_is_loaded_once": "failed",
        "test_an_expired_page_load_is_loaded_once": "failed",
    }


def test_a_cache_that_keeps_asking_a_stalled_redis_is_too_slow(tmp_path: Path) -> None:
    """Each request waits for Redis's timeouts again: six evaluations outlast the caller."""
    seen = hidden_checks(broken("no_step_aside", tmp_path), tmp_path, "test_redis_down.py")
    assert seen["test_a_stalled_redis_does_not_stall_evaluations"] == "failed", seen
