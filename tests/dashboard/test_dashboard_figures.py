"""The figures and the at-risk list, computed from the small class whose stories are known."""

from __future__ import annotations

from datetime import timedelta

import pytest
from small_class import (
    AS_OF,
    AUTHZ,
    P95,
    small_class_info,
    small_class_not_graded,
    small_class_submissions,
)

from orchestrator.dashboard.risk import RiskPolicy, find_at_risk
from orchestrator.dashboard.stats import (
    GAMED_GAP_POINTS,
    AssignmentSummary,
    ClassSummary,
    official_gap,
    summarise,
)
from orchestrator.grades_store import GradedSubmission, StageRecord, Tier, store_from_submissions


@pytest.fixture
def small_class() -> ClassSummary:
    lines = [*small_class_submissions(), *small_class_not_graded()]
    return summarise(small_class_info(), store_from_submissions(lines))


def _tasks(summary: ClassSummary) -> AssignmentSummary:
    return next(a for a in summary.assignments if a.info.slug == "tasks-api")


def test_tasks_api_counts_started_submitted_and_passing(small_class: ClassSummary) -> None:
    tasks = _tasks(small_class)

    assert tasks.provisioned == 6
    assert len(tasks.started) == 5  # fox never pushed
    assert tasks.submitted == 5
    assert tasks.passing == 2  # ada and eve
    assert tasks.median_percent == 55.0  # of 100, 55, 40, 30, 100


def test_the_histogram_puts_each_latest_score_in_its_band(small_class: ClassSummary) -> None:
    assert _tasks(small_class).histogram == (0, 0, 0, 1, 1, 1, 0, 0, 0, 2)


def test_the_most_failed_check_comes_first_with_learner_and_push_counts(
    small_class: ClassSummary,
) -> None:
    failures = _tasks(small_class).check_failures

    top, second = failures[0], failures[1]
    assert (top.stage, top.name, top.learners.hits, top.learners.total) == ("hidden", AUTHZ, 3, 5)
    assert top.learners.percent == 60.0
    assert top.pushes == 8  # bo 6, cy 1, dee 1
    assert (second.name, second.learners.hits, second.pushes) == (P95, 2, 10)


def test_stage_pass_rates_use_the_latest_push(small_class: ClassSummary) -> None:
    rates = dict(_tasks(small_class).stage_rates)

    assert (rates["hidden"].hits, rates["hidden"].total) == (2, 5)
    assert (rates["load"].hits, rates["load"].total) == (3, 5)


def test_a_push_after_the_deadline_is_late(small_class: ClassSummary) -> None:
    eve = next(learner for learner in small_class.learners if learner.login == "eve")
    notes = next(p for p in eve.progresses if p.assignment.slug == "notes-api")

    assert notes.late_pushes == 1
    assert notes.passing


def test_the_at_risk_list_gives_each_learner_their_reasons(small_class: ClassSummary) -> None:
    rows = {row.learner.login: row.reasons for row in find_at_risk(small_class, AS_OF)}

    assert set(rows) == {"bo", "cy", "dee", "fox"}
    assert {r.kind for r in rows["bo"]} == {"stuck", "deadline"}
    assert {r.kind for r in rows["cy"]} == {"dropping", "deadline"}
    assert {r.kind for r in rows["dee"]} == {"idle", "missed", "deadline"}
    assert {r.kind for r in rows["fox"]} == {"idle", "missed", "deadline"}


def test_each_reason_says_what_happened(small_class: ClassSummary) -> None:
    texts = {
        row.learner.login: [r.text for r in row.reasons] for row in find_at_risk(small_class, AS_OF)
    }

    assert f"stuck on hidden: {AUTHZ} in tasks-api for the last 6 pushes" in texts["bo"]
    assert "score dropping on tasks-api: best 90%, now 40%" in texts["cy"]
    assert "no push for 10 days (last: tasks-api, 06 Mar)" in texts["dee"]
    assert "tasks-api due in 2 days, not started" in texts["fox"]
    assert "below the pass mark at the deadline of notes-api" in texts["fox"]


def test_stricter_thresholds_list_more_learners(small_class: ClassSummary) -> None:
    lenient = RiskPolicy(idle_days=30, stuck_pushes=10, drop_points=80, deadline_days=0)
    strict = RiskPolicy(idle_days=1, stuck_pushes=2)

    assert len(find_at_risk(small_class, AS_OF, lenient)) < 4
    assert {r.learner.login for r in find_at_risk(small_class, AS_OF, strict)} >= {"bo", "cy"}


def test_most_reasons_come_first(small_class: ClassSummary) -> None:
    rows = find_at_risk(small_class, AS_OF)

    assert [len(r.reasons) for r in rows] == sorted((len(r.reasons) for r in rows), reverse=True)


def test_nobody_is_at_risk_before_the_course_starts(small_class: ClassSummary) -> None:
    before = AS_OF - timedelta(days=40)

    assert find_at_risk(small_class, before) == ()


def _notes(summary: ClassSummary) -> AssignmentSummary:
    return next(a for a in summary.assignments if a.info.slug == "notes-api")


def _stages(tests: float, hidden: StageRecord | None = None) -> tuple[StageRecord, ...]:
    rows = [StageRecord(name="tests", status="passed", score=tests, max_score=30),
            StageRecord(name="lint", status="passed", score=10, max_score=10)]  # fmt: skip
    return (*rows, *([hidden] if hidden else []))


def _grade(tier: Tier, commit: str, days_ago: float, *stages: StageRecord) -> GradedSubmission:
    return GradedSubmission(
        learner="ada", assignment="notes-api", commit=commit * 40, tier=tier,
        graded_at=AS_OF - timedelta(days=days_ago), score=sum(s.score for s in stages),
        max_score=sum(s.max_score for s in stages), stages=stages,
    )  # fmt: skip


def test_each_assignment_counts_official_practice_and_not_graded(
    small_class: ClassSummary,
) -> None:
    assert _notes(small_class).tiers == {"official": 2, "practice": 1, "not graded": 1}
    assert _tasks(small_class).tiers == {"practice": 5}


def test_the_official_grade_counts_and_is_never_late(small_class: ClassSummary) -> None:
    bo = next(p for p in _notes(small_class).progresses if p.login == "bo")

    assert bo.grade is not None and (bo.grade.tier, bo.grade.percent) == ("official", 62)
    assert not bo.is_late(bo.grade) and bo.late_pushes == 0
    assert bo.pushes == 1  # the official grade judged the commit already pushed


def test_an_official_grade_far_below_practice_is_listed_with_the_files_put_back(
    small_class: ClassSummary,
) -> None:
    (bo,) = _notes(small_class).gaps

    assert bo.login == "bo" and bo.gap is not None
    assert (bo.gap.points, bo.gap.stages) == (28.0, ("tests", "hidden", "load"))
    assert [f.path for f in bo.gap.official.integrity] == ["conftest.py", "tests/test_notes.py"]


@pytest.mark.parametrize(("official_tests", "listed"), [(24.0, False), (22.0, True)])
def test_a_gap_is_listed_from_the_threshold_up(official_tests: float, listed: bool) -> None:
    practice = _grade("practice", "a", 5, *_stages(30))
    official = _grade("official", "a", 1, *_stages(official_tests))  # 15 or 20 points below

    gap = official_gap([practice, official], official)
    assert (gap is not None) == listed
    assert GAMED_GAP_POINTS == 20


def test_the_hidden_checks_practice_does_not_run_are_left_out_of_the_gap() -> None:
    skipped = StageRecord(name="hidden", status="skipped", score=0, max_score=60)
    failing = StageRecord(name="hidden", status="failed", score=6, max_score=60)
    practice = _grade("practice", "a", 5, *_stages(30, skipped))  # 40 of 100
    official = _grade("official", "a", 1, *_stages(30, failing))  # 46 of 100

    assert official_gap([practice, official], official) is None
    worse = _grade("official", "a", 1, *_stages(20, failing))  # 25 points lost on tests and lint
    gap = official_gap([practice, worse], worse)
    assert gap is not None and gap.stages == ("tests", "lint") and gap.points == 25.0


def test_the_gap_compares_the_same_commit_not_a_later_push() -> None:
    on_time = _grade("practice", "a", 5, *_stages(20))
    official = _grade("official", "a", 3, *_stages(18))
    later = _grade("practice", "b", 1, *_stages(30))  # improved after the deadline

    assert official_gap([on_time, official, later], official) is None
