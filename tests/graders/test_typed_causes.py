"""Decisions come from typed fields, never from a message's words: rewording changes nothing.

Messages are for people. The advice under a missed load goal, the next step's choice, the
blocker, the score and the exit code are decided from `Check.missed`, `StageResult.cause`,
scores and statuses; this test rewords every message of a report and compares.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from graders.commands.grade import exit_code
from graders.feedback.advice import miss_causes, next_item, next_step
from graders.model.assignment import Slo
from graders.model.loadstats import judge
from graders.model.report import (
    EndpointLoad,
    GradeReport,
    LoadMetrics,
    StageCause,
    StageResult,
    Submission,
)

REWORDED = "Something happened (reworded by the test)"


def endpoint(name: str, *, p50: float, p95: float, p99: float, failures: int = 0) -> EndpointLoad:
    return EndpointLoad(endpoint=name, requests=1000, failures=failures, rps=40.0,
                        p50_ms=p50, p95_ms=p95, p99_ms=p99)  # fmt: skip


def load_stage(cause: StageCause | None = None) -> StageResult:
    rows = [
        endpoint("GET /tasks", p50=180, p95=900, p99=2400),
        endpoint("POST /tasks", p50=20, p95=40, p99=60, failures=120),
        endpoint("Aggregated", p50=60, p95=400, p99=1800, failures=120),
    ]
    goals = [
        Slo(endpoint="GET /tasks", p50_ms=60, weight=2),
        Slo(endpoint="POST /tasks", p95_ms=600),
        Slo(endpoint="Aggregated", min_rps=100, max_error_rate=0.01),
    ]
    checks = [judge(goal, rows, 5.0) for goal in goals]
    return StageResult(
        name="load", status="failed", score=0, max_score=20, duration_seconds=20,
        message="0 of 3 service-level goals met", checks=checks,
        load=LoadMetrics(users=40, duration_seconds=15, endpoints=rows), cause=cause,
    )  # fmt: skip


def report(*stages: StageResult) -> GradeReport:
    return GradeReport(
        assignment="tasks-api", assignment_title="Tasks API", score=0, max_score=20,
        submission=Submission(path="."), stages=list(stages), tool_versions={},
        grader_version="test", started_at=datetime(2026, 12, 1, tzinfo=UTC), duration_seconds=1,
    )  # fmt: skip


def reworded(stage: StageResult) -> StageResult:
    checks = [c.model_copy(update={"message": REWORDED, "hint": REWORDED}) for c in stage.checks]
    return stage.model_copy(update={"message": REWORDED, "log_excerpt": REWORDED, "checks": checks})


@pytest.mark.parametrize("cause", [None, "service-exited"])
def test_rewording_the_load_stage_changes_no_score_advice_or_exit_code(cause):
    stage = load_stage(cause)
    before, after = report(stage), report(reworded(stage))

    assert [c.missed for c in stage.checks] == [["p50"], ["errors"], ["errors", "throughput"]]
    assert miss_causes(after.stages[0], after.stages[0].checks) == miss_causes(stage, stage.checks)
    assert miss_causes(stage, stage.checks)  # there is advice to keep
    chosen = next_item(before)
    assert chosen is not None and chosen[1] is not None
    again = next_item(after)
    assert again is not None and again[1] is not None
    assert (again[0].name, again[1].name) == (chosen[0].name, chosen[1].name)
    assert [s.score for s in after.stages] == [s.score for s in before.stages]
    assert exit_code(after) == exit_code(before) == 0


def test_a_service_that_never_answered_is_the_blocker_by_its_cause_not_its_words():
    down = StageResult(
        name="hidden", status="error", score=0, max_score=30, duration_seconds=30,
        message=REWORDED, cause="service-unhealthy",
    )  # fmt: skip
    step = next_step(report(down))
    assert step is not None and step.startswith("Your service never became ready")
    odd = down.model_copy(update={"cause": "timed-out", "message": "the service exited"})
    assert not (next_step(report(odd)) or "").startswith("Your service never became ready")


def test_a_grader_bug_is_exit_code_3_by_its_cause_whatever_the_message_says():
    bug = StageResult(
        name="lint", status="error", score=0, max_score=10, duration_seconds=1,
        message=REWORDED, cause="grader-bug",
    )  # fmt: skip
    looks_like_one = bug.model_copy(
        update={"cause": "tool-failed", "message": "the grader failed on this stage (a bug"}
    )
    assert exit_code(report(bug)) == 3
    assert exit_code(report(looks_like_one)) == 0
