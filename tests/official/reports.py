"""Grade reports and store lines for the official tests, built from a real report."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from graders.model.report import Check, Containment, GradeReport, StageResult, Tampering
from orchestrator.grades_store import GradedSubmission, submission_from_report

DATA = Path(__file__).resolve().parents[1] / "workflows" / "data" / "starter-results.json"
FULL = Containment(
    level="full",
    sandbox_uid=990001,
    private_filesystem=True,
    network="none",
    processes="pids cgroup",
    memory="memory cgroup",
)


def hidden_stage(*failing: tuple[str, str]) -> StageResult:
    """A hidden stage with one passing check and `failing` (name, hint) ones."""
    checks = [Check(name="test_health", status="passed", score=1, max_score=1, hint="Health.")]
    checks += [
        Check(name=name, status="failed", score=0, max_score=2, message="boom", hint=hint)
        for name, hint in failing
    ]
    score = 1.0
    return StageResult(
        name="hidden",
        status="failed" if failing else "passed",
        score=score,
        max_score=1 + 2 * len(failing),
        duration_seconds=3,
        message="some fail",
        checks=checks,
    )


def official_report(
    commit: str,
    grader: str,
    *,
    assignment: str = "tasks-api",
    containment: Containment | None = FULL,
    tier: str = "official",
    put_back: tuple[tuple[str, str], ...] = (),
    failing: tuple[tuple[str, str], ...] = (("test_owner_only", "Only the owner may read it."),),
) -> GradeReport:
    """The starter's real report made official: hidden checks, containment, integrity."""
    base = GradeReport.model_validate_json(DATA.read_bytes())
    stages = [hidden_stage(*failing) if s.name == "hidden" else s for s in base.stages]
    return base.model_copy(
        update={
            "assignment": assignment,
            "tier": tier,
            "stages": stages,
            "submission": base.submission.model_copy(update={"commit": commit}),
            "grader_commit": grader,
            "containment": containment,
            "integrity": [Tampering(path=p, change=c) for p, c in put_back],  # type: ignore[arg-type]
            "started_at": datetime(2026, 12, 7, 0, 5, tzinfo=UTC),
        }
    )


def graded_line(
    login: str, assignment: str, commit: str, grader: str, reason: str = ""
) -> GradedSubmission:
    """An official grade of `login`'s `commit` by `grader` in the store."""
    report = official_report(commit, grader, assignment=assignment)
    return submission_from_report(report, learner=login, reason=reason)
