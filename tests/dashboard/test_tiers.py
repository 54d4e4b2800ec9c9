"""Which grade counts, and the official run's plan, record and summary."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from small_class import GRADER, commit_of, graded, not_graded

from basis.errors import UserError
from graders.model.report import Containment, GradeReport, StageResult, Submission, Tampering
from orchestrator.grades_store import load_store, record_lines, store_from_submissions
from orchestrator.standing import standing
from orchestrator.tiers import (
    NO_REPORT,
    OfficialPlan,
    format_summary,
    needing_official,
    official_batch,
    plan_official,
    record_batch,
)

RUN = datetime(2026, 3, 20, 9, 0, tzinfo=UTC)
CLASS = ("ada", "bo", "cy", "dee")


def commits(*logins: str) -> dict[str, str]:
    """The commit the plan chose for each of `logins` (default: the whole class)."""
    return {login: commit_of(login, "tasks-api", 5) for login in logins or CLASS}


def plan_of(course: Path, chosen: dict[str, str], reason: str = "") -> OfficialPlan:
    return plan_official(
        load_store(course), "tasks-api", chosen, grader_commit=GRADER, reason=reason
    )


def report(login: str, score: float = 80, **changes: object) -> GradeReport:
    """The official report of `login`'s planned commit, as the grade job writes it."""
    base = GradeReport(
        assignment="tasks-api",
        assignment_title="Tasks API",
        score=score,
        max_score=100,
        submission=Submission(path=".", commit=commit_of(login, "tasks-api", 5)),
        stages=[
            StageResult(
                name="tests",
                status="passed",
                score=score,
                max_score=100,
                duration_seconds=1,
                message="",
            )
        ],
        tool_versions={},
        grader_version="0.1.0",
        started_at=RUN + timedelta(minutes=3),
        duration_seconds=60,
        tier="official",
        grader_commit=GRADER,
        integrity=[Tampering(path="conftest.py", change="added")],
        containment=Containment(level="full", network="none"),
    )
    return base.model_copy(update=changes)


def test_the_latest_official_grade_counts_even_before_a_later_practice_grade() -> None:
    history = [
        graded("ada", "tasks-api", 5, 90),
        graded("ada", "tasks-api", 4, 60, tier="official", pushed_days_ago=5),
        graded("ada", "tasks-api", 1, 100),
    ]

    counted = standing(history)
    assert (counted.grade, counted.tier) == (history[1], "official")


def test_without_an_official_grade_the_latest_practice_grade_counts_as_practice() -> None:
    history = [graded("ada", "tasks-api", 5, 90), graded("ada", "tasks-api", 1, 70)]

    assert (standing(history).grade, standing(history).tier) == (history[1], "practice")
    assert standing([]).tier is None


def test_an_official_grade_not_given_is_shown_as_such_and_never_as_a_score() -> None:
    failed = not_graded("ada", "tasks-api", 5, "runner lost")

    alone = standing([], [failed])
    assert (alone.grade, alone.tier, alone.not_graded) == (None, "not graded", failed)
    practice = standing([graded("ada", "tasks-api", 5, 90)], [failed])
    assert (practice.tier, practice.grade and practice.grade.tier) == ("not graded", "practice")


def test_an_official_grade_after_the_failed_attempt_settles_it() -> None:
    failed = not_graded("ada", "tasks-api", 5, "runner lost")  # 3 days ago, less an hour
    later = graded("ada", "tasks-api", 1, 80, tier="official", pushed_days_ago=5)
    earlier = graded("ada", "tasks-api", 4, 80, tier="official", pushed_days_ago=5)

    assert standing([later], [failed]).not_graded is None
    regrade_failed = standing([earlier], [failed])  # an official grade, then a failed regrade
    assert (regrade_failed.tier, regrade_failed.not_graded) == ("official", failed)


def test_only_learners_without_this_official_grade_need_one() -> None:
    store_lines = [
        graded("ada", "tasks-api", 4, 80, tier="official", pushed_days_ago=5),  # done
        graded("bo", "tasks-api", 5, 80),  # practice only: still needed
        not_graded("cy", "tasks-api", 5, "runner lost"),  # failed: still needed
    ]
    store = store_from_submissions(store_lines)
    assert needing_official(store, "tasks-api", commits(), GRADER) == ["bo", "cy", "dee"]
    assert needing_official(store, "tasks-api", commits(), "f" * 40) == list(CLASS)
    moved = {**commits(), "ada": "e" * 40}  # ada pushed again before the cutoff
    assert "ada" in needing_official(store, "tasks-api", moved, GRADER)


def test_a_plan_travels_as_json_between_jobs(tmp_path: Path) -> None:
    plan = plan_of(tmp_path, commits(), "deadline")

    assert OfficialPlan.model_validate_json(plan.model_dump_json()) == plan
    assert list(plan.to_grade) == list(CLASS) and plan.already_graded == {}


def test_a_lost_runner_leaves_its_learners_not_graded_and_the_rerun_grades_only_them(
    tmp_path: Path,
) -> None:
    plan = plan_of(tmp_path, commits(), "deadline")
    reports = {"ada": report("ada"), "bo": report("bo")}  # cy and dee's chunk died
    first = official_batch(
        load_store(tmp_path),
        plan,
        reports,
        attempted_at=RUN,
        causes={"dee": "repository could not be fetched"},
    )
    assert record_batch(tmp_path, first) == 4
    assert first.summary.graded == ("ada", "bo")
    assert first.summary.not_graded == (
        ("cy", NO_REPORT),
        ("dee", "repository could not be fetched"),
    )

    store = load_store(tmp_path)
    again = plan_official(store, "tasks-api", commits(), grader_commit=GRADER, reason="deadline")
    assert list(again.to_grade) == ["cy", "dee"]
    assert list(again.already_graded) == ["ada", "bo"]
    second = official_batch(
        store,
        again,
        {"cy": report("cy"), "dee": report("dee")},
        attempted_at=RUN + timedelta(hours=1),
    )
    record_batch(tmp_path, second)

    store = load_store(tmp_path)
    for login in CLASS:
        official = [s for s in store.history("tasks-api", login) if s.tier == "official"]
        assert len(official) == 1, login  # never recorded twice
        assert (
            standing(store.history("tasks-api", login), store.attempts("tasks-api", login)).tier
            == "official"
        )
    assert second.summary.skipped == ("ada", "bo")


def test_recording_the_same_batch_twice_records_nothing_twice(tmp_path: Path) -> None:
    plan = plan_of(tmp_path, commits())
    batch = official_batch(load_store(tmp_path), plan, {"ada": report("ada")}, attempted_at=RUN)
    record_batch(tmp_path, batch)
    before = {p: p.read_bytes() for p in (tmp_path / "grades").rglob("*.jsonl")}

    replay = official_batch(load_store(tmp_path), plan, {"ada": report("ada")}, attempted_at=RUN)
    assert record_batch(tmp_path, replay) == 0
    assert {p: p.read_bytes() for p in (tmp_path / "grades").rglob("*.jsonl")} == before
    assert replay.summary.skipped == ("ada",)


def test_a_recorded_official_grade_keeps_what_the_report_and_the_plan_say(
    tmp_path: Path,
) -> None:
    plan = plan_of(tmp_path, commits("ada"), "regrade: hidden check fixed")
    bare = report("ada", grader_commit=None)  # the grader did not know its commit
    record_batch(
        tmp_path,
        official_batch(
            load_store(tmp_path),
            plan,
            {"ada": bare},
            attempted_at=RUN,
            repo_urls={"ada": "https://x/ada"},
        ),
    )

    sub = load_store(tmp_path).history("tasks-api", "ada")[0]
    assert (sub.tier, sub.grader_commit, sub.reason) == (
        "official",
        GRADER,
        "regrade: hidden check fixed",
    )
    assert [(f.path, f.change) for f in sub.integrity] == [("conftest.py", "added")]
    assert (sub.repo_url, sub.graded_at) == ("https://x/ada", RUN + timedelta(minutes=3))


@pytest.mark.parametrize(
    ("changes", "cause"),
    [
        ({"tier": "practice"}, "a practice grade"),
        ({"assignment": "notes-api"}, "grades notes-api"),
        ({"submission": Submission(path=".", commit="9" * 40)}, "the plan chose"),
        ({"grader_commit": "8" * 40}, "the run used"),
        ({"containment": Containment(level="partial")}, "without full containment"),
    ],
)
def test_a_report_that_cannot_be_this_runs_grade_leaves_the_learner_not_graded(
    changes: dict[str, object], cause: str, tmp_path: Path
) -> None:
    plan = plan_of(tmp_path, commits("ada"))
    batch = official_batch(
        load_store(tmp_path), plan, {"ada": report("ada", **changes)}, attempted_at=RUN
    )

    ((login, why),) = batch.summary.not_graded
    assert login == "ada" and cause in why
    record_batch(tmp_path, batch)
    assert load_store(tmp_path).history("tasks-api", "ada") == ()


def test_a_report_for_a_learner_outside_the_plan_is_not_recorded(tmp_path: Path) -> None:
    plan = plan_of(tmp_path, commits("ada"))
    batch = official_batch(
        load_store(tmp_path), plan, {"ada": report("ada"), "bo": report("bo")}, attempted_at=RUN
    )

    assert batch.summary.ignored == (("bo", "not in the plan"),)
    assert {line.learner for line in batch.lines} == {"ada"}


def test_the_summary_says_who_was_graded_not_graded_and_skipped(tmp_path: Path) -> None:
    record_lines(tmp_path, [graded("dee", "tasks-api", 4, 80, tier="official", pushed_days_ago=5)])
    store = load_store(tmp_path)
    plan = plan_official(store, "tasks-api", commits(), grader_commit=GRADER, reason="deadline")
    batch = official_batch(
        store,
        plan,
        {"ada": report("ada"), "bo": report("bo")},
        attempted_at=RUN,
        causes={"cy": "runner lost"},
    )

    assert format_summary(batch.summary).splitlines() == [
        f"tasks-api: official grades by grader {GRADER[:12]}, reason: deadline: "
        "2 graded, 1 not graded, 1 skipped (already graded)",
        "- not graded: cy: runner lost",
        "- graded: ada, bo",
        "- skipped: dee",
    ]


def test_a_regrade_by_the_same_grader_grades_everyone_once_and_keeps_both_grades(
    tmp_path: Path,
) -> None:
    deadline = plan_of(tmp_path, commits("ada", "bo"), "deadline")
    reports = {"ada": report("ada", 60), "bo": report("bo", 70)}
    record_batch(
        tmp_path, official_batch(load_store(tmp_path), deadline, reports, attempted_at=RUN)
    )
    fixed = "regrade: hidden check fixed"
    regrade = plan_official(load_store(tmp_path), "tasks-api", commits("ada", "bo"),
                            grader_commit=GRADER, reason=fixed, regrade=True)  # fmt: skip
    assert list(regrade.to_grade) == ["ada", "bo"]

    later = RUN + timedelta(days=1)
    again = {"ada": report("ada", 80, started_at=later), "bo": report("bo", 90, started_at=later)}
    record_batch(tmp_path, official_batch(load_store(tmp_path), regrade, again, attempted_at=later))
    replay = official_batch(load_store(tmp_path), regrade, again, attempted_at=later)

    assert replay.summary.skipped == ("ada", "bo") and replay.lines == ()
    history = load_store(tmp_path).history("tasks-api", "ada")
    assert [(s.reason, s.score) for s in history] == [("deadline", 60), (fixed, 80)]
    assert standing(history).grade == history[-1]


def test_a_regrade_without_a_reason_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="--reason"):
        plan_official(load_store(tmp_path), "tasks-api", commits(), grader_commit=GRADER,
                      regrade=True)  # fmt: skip
