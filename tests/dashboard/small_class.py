"""A small hand-made class whose every learner has one known story."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from orchestrator.dashboard.classinfo import AssignmentInfo, ClassInfo, LearnerInfo
from orchestrator.grades_store import GradedSubmission, NotGraded, PutBack, StageRecord, Tier

AS_OF = datetime(2026, 3, 16, 8, 0, tzinfo=UTC)  # a Monday morning
TASKS_DEADLINE = AS_OF + timedelta(days=2)
NOTES_DEADLINE = AS_OF - timedelta(days=3)
ORG = "https://github.com/demo-org"
AUTHZ = "test_other_users_tasks_are_forbidden"
P95 = "GET /tasks p95 <= 200 ms"
OFFICIAL_RUN = 3 - 1 / 24  # days before AS_OF: an hour after the notes-api deadline
GRADER = "9f1c2e7" + "0" * 33
LOST_RUNNER = "the grade job of chunk 2 did not finish"
PUT_BACK = (PutBack(path="conftest.py", change="added"),
            PutBack(path="tests/test_notes.py", change="changed"))  # fmt: skip


def commit_of(learner: str, assignment: str, days_ago: float) -> str:
    return hashlib.sha1(f"{learner}/{assignment}/{days_ago}".encode()).hexdigest()


def graded(
    learner: str,
    assignment: str,
    days_ago: float,
    percent: float,
    *failed: tuple[str, str],
    pr: bool = True,
    tier: Tier = "practice",
    pushed_days_ago: float | None = None,
    integrity: tuple[PutBack, ...] = (),
) -> GradedSubmission:
    """A grade `days_ago` days before AS_OF scoring `percent`, failing `failed` checks, of the
    commit pushed `pushed_days_ago` days before AS_OF (default: when it was graded)."""
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
        commit=commit_of(
            learner, assignment, days_ago if pushed_days_ago is None else pushed_days_ago
        ),
        graded_at=when.replace(microsecond=0),
        tier=tier,
        score=percent,
        max_score=100.0,
        stages=tuple(stages),
        repo_url=repo,
        pr_url=f"{repo}/pull/1" if pr else "",
        comment_url=f"{repo}/pull/1#issuecomment-{int(days_ago * 1000)}" if pr else "",
        grader_commit=GRADER if tier == "official" else "",
        integrity=integrity,
        reason="deadline" if tier == "official" else "",
    )


def official(learner: str, pushed_days_ago: float, percent: float, *failed: tuple[str, str],
             integrity: tuple[PutBack, ...] = ()) -> GradedSubmission:  # fmt: skip
    """The official grade, at the notes-api deadline run, of the commit pushed then."""
    return graded(learner, "notes-api", OFFICIAL_RUN, percent, *failed, tier="official",
                  pushed_days_ago=pushed_days_ago, integrity=integrity)  # fmt: skip


def not_graded(learner: str, assignment: str, pushed_days_ago: float, why: str) -> NotGraded:
    """An official grade of the commit pushed `pushed_days_ago` days ago that was not given."""
    return NotGraded(
        learner=learner,
        assignment=assignment,
        commit=commit_of(learner, assignment, pushed_days_ago),
        attempted_at=(AS_OF - timedelta(days=OFFICIAL_RUN)).replace(microsecond=0),
        not_graded=why,
        grader_commit=GRADER,
        reason="deadline",
        repo_url=f"{ORG}/{assignment}-{learner}",
    )


def small_class_submissions() -> list[GradedSubmission]:
    """ada passes everything; bo is stuck on authorization; cy is dropping; dee went quiet;
    eve pushed notes-api only after its deadline; fox never started.

    notes-api's deadline has passed and its official run graded the on-time commits: ada
    keeps her 100; bo's official grade is far below his practice grade (his tests were
    rewritten and a conftest added: the official grade put them back); cy's grade job was
    lost (`small_class_not_graded`), so her practice grade shows, marked practice."""
    return [
        graded("ada", "tasks-api", 6, 70, ("load", P95), pr=False),
        graded("ada", "tasks-api", 5, 100),
        graded("ada", "notes-api", 9, 100),
        official("ada", 9, 100),
        *(
            graded("bo", "tasks-api", d, 55, ("hidden", AUTHZ), ("load", P95))
            for d in range(6, 0, -1)
        ),
        graded("bo", "notes-api", 8, 90),
        official("bo", 8, 62, ("tests", "test_update_note"), integrity=PUT_BACK),
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


def small_class_not_graded() -> list[NotGraded]:
    return [not_graded("cy", "notes-api", 7, LOST_RUNNER)]


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
