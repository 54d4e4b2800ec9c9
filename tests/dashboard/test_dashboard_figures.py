"""The figures and the at-risk list, computed from the small class whose stories are known."""

from __future__ import annotations

from datetime import timedelta

import pytest
from small_class import AS_OF, AUTHZ, P95, small_class_info, small_class_submissions

from orchestrator.dashboard.risk import RiskPolicy, find_at_risk
from orchestrator.dashboard.stats import AssignmentSummary, ClassSummary, summarise
from orchestrator.grades_store import store_from_submissions


@pytest.fixture
def small_class() -> ClassSummary:
    return summarise(small_class_info(), store_from_submissions(small_class_submissions()))


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
