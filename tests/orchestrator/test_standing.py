"""Which grade counts, read from the store: the ledger's pick with its penalty, "no submission",
"too late", practice grades, and the official run's bookkeeping of late grades."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from orchestrator.course import LatePolicy
from orchestrator.grades_store import (
    GradedSubmission,
    NoSubmission,
    StageRecord,
    format_line,
    load_store,
    record_lines,
    store_from_submissions,
)
from orchestrator.late_ledger import Terms, graded_from_store
from orchestrator.standing import standing, standings
from orchestrator.tiers import Judged, format_summary, official_batch, plan_official
from tests.official.reports import official_report

DEADLINE = datetime(2026, 12, 12, 23, 59, tzinfo=UTC)
H = timedelta(hours=1)
TEN_A_DAY = LatePolicy(penalty_per_day=10, max_late_days=2)
GRADER = "b" * 40


def line(
    commit: str,
    score: float,
    pushed: timedelta | None,
    *,
    tier: str = "official",
    graded: timedelta = timedelta(days=4),
    reason: str = "",
) -> GradedSubmission:
    """`commit` graded `score`, pushed `pushed` after the deadline (None: not judged)."""
    return GradedSubmission(
        learner="ada",
        assignment="hw",
        commit=commit * 40,
        graded_at=DEADLINE + graded,
        tier=tier,  # type: ignore[arg-type]
        score=score,
        max_score=100,
        stages=(StageRecord(name="tests", status="passed", score=score, max_score=100),),
        reason=reason,
        pushed_at=DEADLINE + pushed if pushed is not None else None,
        deadline=DEADLINE if pushed is not None else None,
    )


def nothing(at: timedelta = timedelta(0)) -> NoSubmission:
    return NoSubmission(learner="ada", assignment="hw", recorded_at=DEADLINE + at,
                        checked_at=DEADLINE + at, deadline=DEADLINE)  # fmt: skip


def counted(lines: list, counts: str = "latest", budget: int = 0, policy=TEN_A_DAY):
    store = store_from_submissions(lines)
    terms = [Terms("hw", DEADLINE, policy, counts)]  # type: ignore[arg-type]
    return standings(store, "ada", ["hw"], terms, budget)["hw"]


def test_a_grade_keeps_its_push_time_and_deadline_and_its_lateness_is_computed_from_them():
    [on_time, late] = graded_from_store([line("a", 60, -2 * H), line("b", 90, 25 * H)])
    assert (on_time.days_late, late.days_late) == (0, 2)
    assert late.pushed_at == DEADLINE + 25 * H
    old = line("c", 70, None)  # an official grade from before late grading: on time
    assert graded_from_store([old])[0].days_late == 0


@pytest.mark.parametrize(
    ("counts", "commit", "score", "status"),
    [("latest", "b", 80, "late"), ("best", "b", 80, "late"), ("on-time", "a", 60, "on time")],
)
def test_the_grade_that_counts_is_the_ledgers_pick_after_its_penalty(counts, commit, score, status):
    now = counted([line("a", 60, -2 * H), line("b", 90, 3 * H)], counts)
    assert now.grade is not None and now.grade.commit == commit * 40
    assert (now.score, now.percent, now.status, now.tier) == (score, score, status, "official")
    assert now.penalty == (10 if commit == "b" else 0)


def test_a_late_days_budget_pays_the_penalty():
    now = counted([line("b", 90, 3 * H)], budget=2)
    assert now.late is not None and (now.late.budget_days, now.score) == (1, 90)


def test_no_submission_is_a_zero_that_says_so_until_later_work_is_accepted():
    alone = counted([nothing()])
    assert (alone.grade, alone.score, alone.percent) == (None, 0.0, 0.0)
    assert (alone.status, alone.tier, alone.points_tier) == (
        "no submission",
        "official",
        "official",
    )
    practice_only = counted([nothing(), line("p", 75, None, tier="practice")])
    assert (practice_only.status, practice_only.score) == ("no submission", 0.0)
    later = counted([nothing(), line("b", 90, 30 * H)])
    assert (later.status, later.score) == ("late", 70)


def test_work_later_than_the_policy_accepts_counts_as_too_late_not_as_nothing():
    now = counted([nothing(), line("z", 95, 50 * H)])
    assert (now.status, now.score, now.max_score) == ("too late", 0.0, 100)
    assert [g.commit for g in now.refused] == ["z" * 40]


def test_without_a_deadline_the_latest_official_grade_counts_else_practice():
    history = (line("a", 60, None), line("p", 90, None, tier="practice"))
    assert standing(history).grade == history[0]
    assert standing(history[1:]).tier == "practice"
    assert standing(history[1:]).status is None


def test_a_regrade_replaces_the_grade_of_its_commit():
    first = line("b", 60, 3 * H)
    again = line("b", 80, 3 * H, graded=timedelta(days=5), reason="hidden check fixed")
    now = counted([first, again])
    assert now.grade == again and now.score == 70


# --- the official run's lines ----------------------------------------------------------------


def test_the_run_records_each_grade_with_what_it_was_judged_against_and_no_submission_once(
    tmp_path,
):
    judged = Judged(deadline=DEADLINE, moment=DEADLINE + 24 * H, pushed_at=DEADLINE + 3 * H)
    absent = Judged(deadline=DEADLINE, moment=DEADLINE, commit="0" * 40)
    plan = plan_official(load_store(tmp_path), "tasks-api", {"ada": "1" * 40},
                         grader_commit=GRADER, reason="end of late day 1", once=True,
                         judged={"ada": judged}, absent={"bob": absent})  # fmt: skip
    report = official_report("1" * 40, GRADER)
    at = DEADLINE + 25 * H
    batch = official_batch(load_store(tmp_path), plan, {"ada": report}, attempted_at=at)
    assert record_lines(tmp_path, batch.lines) == 2
    store = load_store(tmp_path)
    [grade] = store.history("tasks-api", "ada")
    assert (grade.pushed_at, grade.deadline) == (DEADLINE + 3 * H, DEADLINE)
    [missing] = store.no_submission("tasks-api", "bob")
    assert (missing.checked_at, missing.deadline, missing.commit) == (DEADLINE, DEADLINE, "0" * 40)
    assert store.learners == ["ada", "bob"] and len(store) == 1
    assert "- no submission (0): bob" in format_summary(batch.summary)
    again = official_batch(store, plan, {"ada": report}, attempted_at=at + H)
    assert again.lines == () and again.summary.no_submission == ()
    text = (tmp_path / "grades" / "tasks-api" / "bob.jsonl").read_text()
    assert text == format_line(missing) + "\n"


def test_a_scheduled_run_grades_a_commit_once_whichever_grader_graded_it(tmp_path):
    record_lines(tmp_path, [line("a", 60, -2 * H).model_copy(update={"grader_commit": "c" * 40})])
    store = load_store(tmp_path)
    once = plan_official(store, "hw", {"ada": "a" * 40}, grader_commit=GRADER, once=True)
    assert (once.to_grade, once.already_graded) == ({}, {"ada": "a" * 40})
    again = plan_official(store, "hw", {"ada": "a" * 40}, grader_commit=GRADER)
    assert again.to_grade == {"ada": "a" * 40}  # a dispatch with a new grader grades again
