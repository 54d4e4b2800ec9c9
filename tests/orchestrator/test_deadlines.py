"""The deadline arithmetic: late days, penalties, the late-day budget and which grade counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from orchestrator.course import LatePolicy
from orchestrator.deadlines import late_day_ends, late_result, penalise
from orchestrator.late_ledger import Graded, Terms, ledger
from reporter.moments import days_late, describe_due, describe_push, format_moment

NEW_YORK = ZoneInfo("America/New_York")
DEADLINE = datetime(2026, 12, 12, 23, 59, tzinfo=NEW_YORK)
TEN_A_DAY = LatePolicy(penalty_per_day=10, max_late_days=3)
H = timedelta(hours=1)


def test_a_push_a_few_hours_after_the_deadline_is_one_day_late() -> None:
    assert days_late(DEADLINE - timedelta(seconds=1), DEADLINE) == 0
    assert days_late(DEADLINE, DEADLINE) == 0  # at the deadline is on time
    assert days_late(DEADLINE + 3 * H, DEADLINE) == 1
    assert days_late(DEADLINE + 24 * H, DEADLINE) == 1
    assert days_late(DEADLINE + 24 * H + timedelta(seconds=1), DEADLINE) == 2
    assert describe_push(DEADLINE + 3 * H, DEADLINE) == (
        "pushed 3 h after the deadline: 1 late day"
    )


def test_moments_in_different_time_zones_compare_as_moments() -> None:
    tokyo_deadline = datetime(2026, 12, 13, 13, 59, tzinfo=ZoneInfo("Asia/Tokyo"))
    assert tokyo_deadline == DEADLINE  # the same moment written in another zone
    pushed_in_berlin = datetime(2026, 12, 13, 6, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    assert days_late(pushed_in_berlin, tokyo_deadline) == 1  # 00:30 in New York: 31 min late
    pushed_in_london = datetime(2026, 12, 13, 4, 59, tzinfo=UTC)
    assert days_late(pushed_in_london, DEADLINE) == 0
    assert format_moment(DEADLINE, "Asia/Kolkata") == "Sun 13 Dec 2026 10:29 UTC+5:30"
    assert format_moment(DEADLINE, "America/New_York") == "Sat 12 Dec 2026 23:59 UTC-5"


def test_a_late_day_is_24_real_hours_across_a_daylight_saving_change() -> None:
    # New York springs forward at 02:00 on Sunday 8 March 2026: that day has 23 hours.
    deadline = datetime(2026, 3, 7, 23, 59, tzinfo=NEW_YORK)
    first, second = late_day_ends(deadline, 2)
    assert first - deadline.astimezone(UTC) == timedelta(hours=24)
    assert first.astimezone(NEW_YORK) == datetime(2026, 3, 9, 0, 59, tzinfo=NEW_YORK)
    assert second - first == timedelta(hours=24)
    assert format_moment(first, "America/New_York") == "Mon 9 Mar 2026 00:59 UTC-4"
    # 00:30 on the 9th by the wall clock is 23 h 31 min after the deadline: still day 1.
    assert days_late(datetime(2026, 3, 9, 0, 30, tzinfo=NEW_YORK), deadline) == 1
    assert days_late(datetime(2026, 3, 9, 1, 0, tzinfo=NEW_YORK), deadline) == 2


def test_an_extension_moves_where_late_days_begin() -> None:
    extended = DEADLINE + 36 * H  # ada's extension ends inside everyone else's late day 2
    pushed = DEADLINE + 30 * H
    assert days_late(pushed, DEADLINE) == 2  # bob, without an extension
    assert days_late(pushed, extended) == 0  # ada: on time
    assert days_late(DEADLINE + 40 * H, extended) == 1
    assert late_day_ends(extended, 1) == [(DEADLINE + 60 * H).astimezone(UTC)]


def test_the_penalty_is_a_percent_of_full_marks_per_day_and_never_below_zero() -> None:
    result = late_result(80, 100, pushed_at=DEADLINE + 30 * H, deadline=DEADLINE, policy=TEN_A_DAY)
    assert (result.score_before, result.days_late, result.penalty, result.score) == (
        80,
        2,
        20,
        60,
    )
    assert result.status == "late" and result.penalised_days == 2
    floor = penalise(15, 70, 3, TEN_A_DAY)
    assert (floor.penalty, floor.score) == (21, 0)
    on_time = penalise(15, 70, 0, TEN_A_DAY)
    assert (on_time.status, on_time.penalty, on_time.score) == ("on time", 0, 15)


def test_zero_penalty_accepts_late_work_unpenalised_and_spends_no_budget() -> None:
    grace = LatePolicy(penalty_per_day=0, max_late_days=2)
    result = late_result(
        50, 100, pushed_at=DEADLINE + 5 * H, deadline=DEADLINE, policy=grace, budget_left=4
    )
    assert (result.status, result.score, result.budget_days) == ("late", 50, 0)


def test_late_work_past_max_late_days_is_refused() -> None:
    assert penalise(90, 100, 3, TEN_A_DAY).status == "late"
    assert penalise(90, 100, 4, TEN_A_DAY).status == "refused"
    none_late = LatePolicy(penalty_per_day=10, max_late_days=0)
    refused = late_result(
        90, 100, pushed_at=DEADLINE + H, deadline=DEADLINE, policy=none_late, budget_left=5
    )
    assert refused.status == "refused" and refused.score == 0  # budget days cannot widen it


def test_without_a_policy_only_budget_days_let_late_work_in() -> None:
    assert penalise(90, 100, 1, None).status == "refused"
    paid = late_result(
        90, 100, pushed_at=DEADLINE + H, deadline=DEADLINE, policy=None, budget_left=1
    )
    assert (paid.status, paid.score, paid.budget_days) == ("late", 90, 1)
    beyond = late_result(
        90, 100, pushed_at=DEADLINE + 25 * H, deadline=DEADLINE, policy=None, budget_left=1
    )
    assert beyond.status == "refused"


def test_a_budget_that_runs_out_mid_assignment_leaves_the_other_days_penalised() -> None:
    result = late_result(
        80, 100, pushed_at=DEADLINE + 40 * H, deadline=DEADLINE, policy=TEN_A_DAY, budget_left=1
    )
    assert (result.days_late, result.budget_days, result.penalised_days) == (2, 1, 1)
    assert (result.penalty, result.score) == (10, 70)


def test_budget_days_are_spent_only_where_they_save_points() -> None:
    nothing_to_save = late_result(
        0, 100, pushed_at=DEADLINE + 40 * H, deadline=DEADLINE, policy=TEN_A_DAY, budget_left=3
    )
    assert nothing_to_save.budget_days == 0
    # 5 points two days late: one budget day still leaves 0; both are needed to keep the 5.
    both = penalise(5, 100, 2, TEN_A_DAY, budget_days=1)
    assert both.score == 0
    kept = late_result(
        5, 100, pushed_at=DEADLINE + 40 * H, deadline=DEADLINE, policy=TEN_A_DAY, budget_left=3
    )
    assert (kept.budget_days, kept.score) == (2, 5)


def test_due_dates_read_as_people_say_them() -> None:
    now = DEADLINE - timedelta(days=2, hours=3)
    assert describe_due(DEADLINE, now, "America/New_York") == (
        "due Sat 12 Dec 2026 23:59 UTC-5, in 2 days"
    )
    assert describe_due(DEADLINE, DEADLINE + 3 * H, "UTC").endswith("3 h ago")


# --- which grade counts, and the budget across assignments ---------------------------------


def graded(commit: str, score: float, late: int, at: int = 0) -> Graded:
    return Graded(commit, score, 100, late, DEADLINE + timedelta(days=late, minutes=at))


CANDIDATES = [graded("a", 60, 0), graded("b", 90, 1), graded("c", 70, 2)]


@pytest.mark.parametrize(
    ("counts", "commit", "score"),
    [("latest", "c", 50), ("best", "b", 80), ("on-time", "a", 60)],
)
def test_counts_picks_the_latest_the_best_or_the_on_time_grade(
    counts: str, commit: str, score: float
) -> None:
    terms = [Terms("hw", DEADLINE, TEN_A_DAY, counts)]  # type: ignore[arg-type]
    [counted] = ledger(terms, {"hw": CANDIDATES}, 0)
    assert counted.grade is not None and counted.result is not None
    assert (counted.grade.commit, counted.result.score) == (commit, score)


def test_on_time_falls_back_to_the_latest_late_grade_when_nothing_was_on_time() -> None:
    terms = [Terms("hw", DEADLINE, TEN_A_DAY, "on-time")]
    [counted] = ledger(terms, {"hw": CANDIDATES[1:]}, 0)
    assert counted.grade is not None and counted.grade.commit == "c"
    [nothing] = ledger(terms, {}, 0)
    assert (nothing.status, nothing.grade) == ("no submission", None)


def test_a_regrade_of_a_commit_replaces_its_grade_even_when_lower() -> None:
    terms = [Terms("hw", DEADLINE, TEN_A_DAY, "best")]
    regraded = [graded("a", 90, 0), graded("a", 40, 0, at=60)]
    [counted] = ledger(terms, {"hw": regraded}, 0)
    assert counted.result is not None and counted.result.score == 40


def test_a_best_tie_goes_to_the_grade_that_spends_no_budget() -> None:
    terms = [Terms("hw", DEADLINE, TEN_A_DAY, "best")]
    [counted] = ledger(terms, {"hw": [graded("a", 80, 0), graded("b", 80, 1)]}, 3)
    assert counted.grade is not None and counted.grade.commit == "a"
    assert counted.budget_after == 3


def test_late_days_are_spent_in_deadline_order() -> None:
    later = Terms("second", DEADLINE + timedelta(days=7), TEN_A_DAY, "latest")
    earlier = Terms("first", DEADLINE, TEN_A_DAY, "latest")
    grades = {"first": [graded("a", 80, 2)], "second": [graded("b", 80, 2)]}
    first, second = ledger([later, earlier], grades, 3)
    assert first.slug == "first" and first.result is not None and second.result is not None
    assert (first.result.budget_days, first.result.score, first.budget_after) == (2, 80, 1)
    assert (second.result.budget_days, second.result.penalised_days) == (1, 1)
    assert (second.result.score, second.budget_after) == (70, 0)


def test_a_budget_that_runs_out_without_a_policy_falls_back_to_what_it_paid_for() -> None:
    terms = [Terms("hw", DEADLINE, None, "latest")]
    heads = [graded("a", 40, 0), graded("b", 60, 1), graded("c", 95, 2)]
    [counted] = ledger(terms, {"hw": heads}, 1)
    assert counted.grade is not None and counted.grade.commit == "b"
    assert [g.commit for g in counted.refused] == ["c"]
    assert (counted.status, counted.budget_after) == ("late", 0)
    [nothing_paid] = ledger(terms, {"hw": heads[2:]}, 1)
    assert nothing_paid.status == "too late" and nothing_paid.budget_after == 1


def test_group_assignments_spend_no_budget() -> None:
    team = Terms("team-project", DEADLINE, TEN_A_DAY, "latest", spends_budget=False)
    [counted] = ledger([team], {"team-project": [graded("a", 80, 1)]}, 3)
    assert counted.result is not None
    assert (counted.result.score, counted.budget_after) == (70, 3)
