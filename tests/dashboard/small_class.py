"""A small hand-made class whose every learner has one known story."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from orchestrator.dashboard.classinfo import AssignmentInfo, ClassInfo, LearnerInfo
from orchestrator.grades_store import GradedSubmission, StageRecord

AS_OF = datetime(2026, 3, 16, 8, 0, tzinfo=UTC)  # a Monday morning
TASKS_DEADLINE = AS_OF + timedelta(days=2)
NOTES_DEADLINE = AS_OF - timedelta(days=3)
ORG = "https://github.com/demo-org"
AUTHZ = "test_other_users_tasks_are_forbidden"
P95 = "GET /tasks p95 <= 200 ms"


def graded(
    learner: str,
    assignment: str,
    days_ago: float,
    percent: float,
    *failed: tuple[str, str],
    pr: bool = True,
) -> GradedSubmission:
    """A graded push `days_ago` days before AS_OF scoring `percent`, failing `failed` checks."""
    stages = []
    for name in ("tests", "hidden", "load"):
        mine = tuple(check for stage, check in failed if stage == name)
        stages.append(
            StageRecord(
                name=name,  # type: ignore[arg-type]  # a StageName literal, checked by pydantic
                status="failed" if mine else "passed",
                score=round(percent / 3, 2),
                max_score=100 / 3,
                failed_checks=mine,
            )
        )
    repo = f"{ORG}/{assignment}-{learner}"
    when = AS_OF - timedelta(days=days_ago)
    return GradedSubmission(
        learner=learner,
        assignment=assignment,
        commit=hashlib.sha1(f"{learner}/{assignment}/{days_ago}".encode()).hexdigest(),
        graded_at=when.replace(microsecond=0),
        score=percent,
        max_score=100.0,
        stages=tuple(stages),
        repo_url=repo,
        pr_url=f"{repo}/pull/1" if pr else "",
        comment_url=f"{repo}/pull/1#issuecomment-{int(days_ago * 1000)}" if pr else "",
    )


def small_class_submissions() -> list[GradedSubmission]:
    """ada passes everything; bo is stuck on authorization; cy is dropping; dee went quiet;
    eve pushed notes-api only after its deadline; fox never started."""
    return [
        graded("ada", "tasks-api", 6, 70, ("load", P95), pr=False),
        graded("ada", "tasks-api", 5, 100),
        graded("ada", "notes-api", 9, 100),
        *(
            graded("bo", "tasks-api", d, 55, ("hidden", AUTHZ), ("load", P95))
            for d in range(6, 0, -1)
        ),
        graded("bo", "notes-api", 8, 90),
        graded("cy", "tasks-api", 5, 90, ("load", P95)),
        graded("cy", "tasks-api", 3, 70, ("load", P95), ("tests", "test_update_task")),
        graded(
            "cy",
            "tasks-api",
            1,
            40,
            ("load", P95),
            ("tests", "test_update_task"),
            ("hidden", AUTHZ),
        ),
        graded("cy", "notes-api", 7, 80),
        graded("dee", "tasks-api", 10, 30, ("hidden", AUTHZ), ("tests", "test_create_task")),
        graded("eve", "notes-api", 2, 65, ("load", "GET /notes p95 <= 200 ms")),
        graded("eve", "tasks-api", 0.5, 100),
    ]


def small_class_info() -> ClassInfo:
    learners = [
        LearnerInfo(
            login=login,
            name=login.title(),
            repos={slug: f"{ORG}/{slug}-{login}" for slug in ("tasks-api", "notes-api")},
        )
        for login in ("ada", "bo", "cy", "dee", "eve", "fox")
    ]
    return ClassInfo(
        course="Backend 101",
        learners=tuple(learners),
        assignments=(
            AssignmentInfo(
                slug="notes-api",
                title="Notes API",
                opens_at=AS_OF - timedelta(days=17),
                deadline=NOTES_DEADLINE,
            ),
            AssignmentInfo(
                slug="tasks-api",
                title="Tasks API",
                opens_at=AS_OF - timedelta(days=12),
                deadline=TASKS_DEADLINE,
            ),
        ),
    )
