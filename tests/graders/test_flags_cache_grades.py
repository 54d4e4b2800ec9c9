"""flags-cache's hidden checks see the three ways a cache can look right and be wrong.

Each fixture (tests/fixtures/flags-cache/*.patch) is the reference solution with one
protection taken out; graded for real (two instances of the service, the grader's PostgreSQL
and Redis), the checks of that protection fail. Only the hidden file that holds those checks
runs: what the other files check is the solution's, unchanged. (The solution's full marks and
the starter's share are in test_template_grades.py.)
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from graders.model.assignment import load_assignment
from graders.model.report import GradeReport, Submission
from graders.running.engine import grade_submission
from tests.conftest import FIXTURES, ROOT
from tests.graders.calibration import describe

pytestmark = pytest.mark.slow
FLAGS = ROOT / "templates" / "flags-cache"
BROKEN = FIXTURES / "flags-cache"
ONLY_HIDDEN = frozenset({"tests", "lint", "types", "load"})


@pytest.fixture(autouse=True)
def _runs(grading_runs: Path) -> Path:
    return grading_runs


def broken(name: str, work: Path) -> Path:
    """The solution with one protection taken out (a patch: it stops applying, loudly, when
    the solution changes under it)."""
    target = work / name
    shutil.copytree(FLAGS / "solution", target)
    patch = BROKEN / f"{name}.patch"
    subprocess.run(["git", "apply", str(patch)], cwd=target, check=True, timeout=30)
    return target


def hidden_checks(submission: Path, check_file: str, work: Path) -> dict[str, str]:
    """The status of every check in hidden_tests/CHECK_FILE, graded against `submission`."""
    checks = work / "hidden_tests"
    checks.mkdir()
    for name in ("conftest.py", check_file):
        shutil.copy(FLAGS / "hidden_tests" / name, checks / name)
    report: GradeReport = grade_submission(
        load_assignment(FLAGS),
        submission,
        hidden_tests=checks,
        skip=ONLY_HIDDEN,
        submission_info=Submission(path=submission.name),
    )
    hidden = report.stage("hidden")
    assert hidden is not None and hidden.checks, describe(report)
    # The weights name every check: the other files' are reported as not run, and left out.
    return {c.name: c.status for c in hidden.checks if c.node_id.startswith(f"{check_file}::")}


def test_a_cache_in_each_processs_memory_serves_a_changed_flag(tmp_path: Path) -> None:
    """Forgetting a flag in the process that changed it leaves the other process's copy."""
    seen = hidden_checks(broken("cache_in_each_process", tmp_path), "test_changes.py", tmp_path)
    for stale in (
        "test_a_kill_switch_takes_effect_on_the_next_request",
        "test_a_page_load_sees_a_change_at_once",
        "test_a_new_rule_takes_effect_at_once",
    ):
        assert seen[stale] == "failed", seen
    assert seen["test_a_change_without_the_token_is_401_and_changes_nothing"] == "passed"


def test_a_cache_without_a_lock_stampedes_the_database_on_expiry(tmp_path: Path) -> None:
    """Every request that misses loads the flag itself: the burst waits on the locked tables."""
    seen = hidden_checks(broken("no_single_flight", tmp_path), "test_herd.py", tmp_path)
    assert seen == {
        "test_an_expired_flag_is_loaded_once": "failed",
        "test_an_expired_page_load_is_loaded_once": "failed",
    }


def test_a_cache_that_keeps_asking_a_stalled_redis_is_too_slow(tmp_path: Path) -> None:
    """Each request waits for Redis's timeouts again: six evaluations outlast the caller."""
    seen = hidden_checks(broken("no_step_aside", tmp_path), "test_redis_down.py", tmp_path)
    assert seen["test_a_stalled_redis_does_not_stall_evaluations"] == "failed", seen
