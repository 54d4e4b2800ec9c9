"""Hostile and broken submissions each end in a finished report with a clear message.

Every fixture runs through the real engine: real uv, pytest, ruff, mypy and Locust, the real
containment (unprivileged uid, cgroups, no network) and a real service on loopback.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from graders.model.assignment import StageName, load_assignment
from graders.model.report import GradeReport, Submission
from graders.running.containment import detect, writable_cgroup
from graders.running.engine import grade_submission
from graders.running.process import CGROUP_PREFIX
from tests.conftest import NOTES_ASSIGNMENT
from tests.graders.conftest import live_processes

pytestmark = pytest.mark.slow
ALL_BUT: Callable[..., frozenset[StageName]] = lambda *keep: frozenset(  # noqa: E731
    {"tests", "hidden", "lint", "types", "load"} - set(keep)
)


def grade(folder: Path, skip: frozenset[StageName] = frozenset()) -> GradeReport:
    assignment = load_assignment(NOTES_ASSIGNMENT)
    return grade_submission(
        assignment,
        folder,
        hidden_tests=assignment.root / "hidden_tests",
        skip=skip,
        submission_info=Submission(path=str(folder)),
    )


def leftover_cgroups() -> list[Path]:
    caps = detect()
    parents = [p for p in (caps.pids_cgroup, caps.memory_cgroup) if p is not None]
    mine = f"{CGROUP_PREFIX}{os.getpid()}-*"  # other graders may run on this machine meanwhile
    return [c for parent in parents for c in parent.glob(mine)]


@pytest.fixture(autouse=True)
def nothing_left_behind(grading_runs: Path) -> Iterator[None]:
    """Nothing may run in a grading run's folder afterwards, and no cgroup of ours may remain."""
    cgroups_before = set(leftover_cgroups())
    yield
    assert live_processes(grading_runs) == []
    assert set(leftover_cgroups()) - cgroups_before == set()


# Expects the notes service's full load marks (its goal judged on its own, no reference): make
# test runs it in the serial lane with the load goals, where no other grading shares the cores.
@pytest.mark.load_goals
def test_a_complete_submission_scores_everything(overlay_submission):
    report = grade(overlay_submission("passes_all"))
    statuses = {s.name: s.status for s in report.stages}
    assert statuses == {
        "install": "passed",
        "tests": "passed",
        "hidden": "passed",
        "lint": "passed",
        "types": "passed",
        "load": "passed",
    }
    assert report.score == report.max_score == 100


def test_a_syntax_error_fails_tests_lint_and_types_and_the_service_cannot_start(overlay_submission):
    report = grade(
        overlay_submission("syntax_error"), skip=ALL_BUT("tests", "hidden", "lint", "types")
    )
    assert report.stage("tests").status in ("failed", "error")
    assert report.stage("tests").score == 0
    assert report.stage("lint").status == "failed"
    assert any("syntax" in f.rule for f in report.stage("lint").findings)
    assert report.stage("types").status == "failed"
    assert [f.rule for f in report.stage("types").findings] == ["syntax"]
    assert report.stage("hidden").status == "error"
    assert "exited" in report.stage("hidden").message


def test_a_service_that_never_becomes_healthy_is_reported_as_not_started(overlay_submission):
    report = grade(overlay_submission("never_healthy"), skip=ALL_BUT("hidden", "load"))
    for name in ("hidden", "load"):
        stage = report.stage(name)
        assert stage.status == "error"
        assert "did not answer" in stage.message and "/health" in stage.message
        assert "HTTP 503" in stage.message
        assert "warming up forever" in stage.log_excerpt


def test_a_test_that_loops_forever_costs_only_itself(overlay_submission):
    report = grade(overlay_submission("test_loops_forever"), skip=ALL_BUT("tests"))
    tests = report.stage("tests")
    assert tests.status == "failed"
    looping = next(c for c in tests.checks if c.name.endswith("test_add_note_gets_an_id"))
    assert looping.status == "failed" and "Timeout" in looping.message
    assert sum(c.status == "passed" for c in tests.checks) == 3


def test_fifty_megabytes_of_output_are_capped(overlay_submission):
    report = grade(overlay_submission("prints_50mb"), skip=ALL_BUT("tests"))
    tests = report.stage("tests")
    assert tests.status == "failed"
    assert "bytes dropped" in tests.message
    assert len(report.model_dump_json()) < 2_000_000


def test_a_memory_hog_is_stopped_at_the_memory_limit(overlay_submission):
    report = grade(overlay_submission("memory_hog"), skip=ALL_BUT("tests"))
    tests = report.stage("tests")
    assert tests.status in ("failed", "error")
    assert "memory" in (tests.message + " ".join(c.message for c in tests.checks)).lower()


@pytest.mark.skipif(
    detect().pids_cgroup is None and os.geteuid() == 0,
    reason="as root without a pids cgroup nothing can bound a fork bomb",
)
def test_a_fork_bomb_hits_the_process_limit(overlay_submission):
    report = grade(overlay_submission("fork_bomb"), skip=ALL_BUT("tests"))
    tests = report.stage("tests")
    bomb = next(c for c in tests.checks if c.name.endswith("test_add_note_gets_an_id"))
    assert bomb.status in ("failed", "error")
    assert "Resource temporarily unavailable" in bomb.message or "BlockingIOError" in bomb.message
    assert sum(c.status == "passed" for c in tests.checks) == 3


def test_a_service_that_crashes_under_load_scores_nothing_for_load(overlay_submission):
    report = grade(overlay_submission("crashes_under_load"), skip=ALL_BUT("load"))
    load = report.stage("load")
    assert load.status == "failed"
    assert load.score == 0
    assert "exited" in load.message


def test_missing_dependencies_fail_install_and_say_which(overlay_submission):
    report = grade(overlay_submission("missing_dependency"))
    install = report.stage("install")
    assert install.status == "failed"
    assert "definitely-not-a-real-package-for-classroom-tests" in install.message
    for name in ("tests", "hidden", "load"):
        assert report.stage(name).status == "error"
        assert "did not install" in report.stage(name).message
    assert report.stage("lint").status == "passed"


def test_without_a_reference_latency_is_judged_as_stated_and_cpu_per_request_is_recorded(
    overlay_submission,
):
    """The notes fixture has hidden tests but no solution/ beside them: no reference to run."""
    report = grade(overlay_submission("passes_all"), skip=ALL_BUT("load"))
    load = report.stage("load").load
    assert load is not None and load.judging == "absolute"
    assert load.rounds == [] and load.reference_endpoints == []
    total = next(e for e in load.endpoints if e.endpoint == "Aggregated")
    assert total.cpu_ms is not None and total.cpu_ms > 0
    assert load.cpu_source == ("cgroup" if writable_cgroup("cpuacct") else "processes")
    meters = [writable_cgroup(c) for c in ("cpuacct", "freezer")]
    mine = f"classroom-meter-{os.getpid()}-*"
    assert [g for parent in meters if parent for g in parent.glob(mine)] == []
