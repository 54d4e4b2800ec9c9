"""When the official workflow grades (deadlines, extensions, late-day ends, cron lines), and
which commit counts at a moment by the record of pushes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from orchestrator.course import Course
from orchestrator.cutoff import cutoff, first_push_after, record_kept_since
from orchestrator.gateway import Push
from orchestrator.schedule import (
    applies_to,
    cron_line,
    cron_lines,
    due,
    learner_moments,
    moments_for_cron,
    schedule,
)

DEADLINE = datetime(2026, 12, 12, 23, 59, tzinfo=UTC)


def course(**changes: object) -> Course:
    data: dict[str, object] = {
        "org": "school",
        "late_days": 2,
        "assignments": {
            "hw1": {
                "deadline": DEADLINE,
                "late": {"penalty_per_day": 10, "max_late_days": 2},
                "extensions": {
                    "ada": DEADLINE + timedelta(days=2),
                    "bob": DEADLINE + timedelta(days=2),
                },
            },
            "hw2": {"deadline": DEADLINE + timedelta(days=7, seconds=30)},
            "draft": {},
        },
    }
    return Course.model_validate(data | changes)


def test_the_schedule_has_every_deadline_extension_and_late_day_end_in_utc() -> None:
    moments = [(m.at, m.assignment, m.describe()) for m in schedule(course())]
    day = timedelta(days=1)
    hw2 = DEADLINE + timedelta(days=7, seconds=30)
    assert moments == [
        (DEADLINE, "hw1", "deadline"),
        (DEADLINE + day, "hw1", "end of late day 1"),
        (DEADLINE + 2 * day, "hw1", "extended deadline of ada, bob"),
        (DEADLINE + 2 * day, "hw1", "end of late day 2"),
        (DEADLINE + 3 * day, "hw1", "end of late day 1 after the extension of ada, bob"),
        (DEADLINE + 4 * day, "hw1", "end of late day 2 after the extension of ada, bob"),
        # hw2 has no policy: late work only as far as the course's budget of 2 days reaches
        (hw2, "hw2", "deadline"),
        (hw2 + day, "hw2", "end of late day 1"),
        (hw2 + 2 * day, "hw2", "end of late day 2"),
    ]
    assert all(m.at.tzinfo is UTC for m in schedule(course()))


def test_a_learner_is_graded_at_their_own_deadline_and_late_days() -> None:
    ada = learner_moments(course(), "hw1", "ADA")
    assert [m.at for m in ada] == [DEADLINE + timedelta(days=d) for d in (2, 3, 4)]
    assert learner_moments(course(), "hw1", "carol")[0].at == DEADLINE
    assert learner_moments(course(), "draft", "carol") == []
    first = schedule(course())[0]
    assert applies_to(first, course(), ["ada", "carol", "Bob"]) == ["carol"]
    extended = next(m for m in schedule(course()) if m.extended)
    assert applies_to(extended, course(), ["ada", "carol", "Bob"]) == ["ada", "Bob"]


def test_cron_lines_round_up_to_the_minute_and_map_back_to_their_moments() -> None:
    moments = schedule(course())
    hw2 = next(m for m in moments if m.assignment == "hw2")
    assert cron_line(hw2.at) == "0 0 20 12 *"  # 23:59:30 on the 19th fires at 00:00, never before
    assert cron_line(DEADLINE) == "59 23 12 12 *"
    assert cron_line(DEADLINE, timedelta(minutes=7)) == "6 0 13 12 *"
    lines = cron_lines(m.at for m in moments)
    assert len(lines) == 8  # the extended deadline shares a minute with late day 2
    shared = moments_for_cron(moments, "59  23 14 12 *")
    assert [m.describe() for m in shared] == ["extended deadline of ada, bob", "end of late day 2"]
    assert moments_for_cron(moments, "0 12 1 1 *") == []


def test_the_moments_due_are_those_that_have_passed() -> None:
    moments = schedule(course())
    assert [m.at for m in due(moments, DEADLINE + timedelta(hours=25))] == [
        DEADLINE,
        DEADLINE + timedelta(days=1),
    ]


def test_without_a_late_policy_or_budget_only_deadlines_are_scheduled() -> None:
    plain = course(late_days=0)
    assert [m.kind for m in schedule(plain, ["hw2"])] == ["deadline"]


# --- the cutoff commit, from the record of pushes ------------------------------------------


def push(n: int, after: str, at: datetime, actor: str = "ada", before: str = "") -> Push:
    return Push(n, "refs/heads/main", before or f"{n - 1:040d}", after, at, actor, "push")


SETUP = push(1, "s" * 40, DEADLINE - timedelta(days=10), actor="teacher", before="t" * 40)
A = push(2, "a" * 40, DEADLINE - timedelta(hours=2), before="s" * 40)
B = push(3, "b" * 40, DEADLINE + timedelta(hours=3), before="a" * 40)


def test_the_cutoff_is_the_last_push_at_or_before_the_moment() -> None:
    at_deadline = cutoff([B, SETUP, A], DEADLINE, learners={"Ada"})
    assert (at_deadline.status, at_deadline.commit) == ("submitted", "a" * 40)
    assert (at_deadline.pushed_at, at_deadline.pusher) == (A.pushed_at, "ada")
    exactly = cutoff([SETUP, A, B], B.pushed_at, learners={"ada"})
    assert exactly.commit == "b" * 40 and exactly.days_late(DEADLINE) == 1
    assert first_push_after([SETUP, A, B], DEADLINE) == B


def test_a_commit_that_comes_back_counts_from_when_it_first_arrived() -> None:
    again = push(4, "a" * 40, DEADLINE + timedelta(hours=5), before="b" * 40)
    later = cutoff([SETUP, A, B, again], DEADLINE + timedelta(days=1), learners={"ada"})
    assert later.commit == "a" * 40 and later.days_late(DEADLINE) == 0


def test_only_the_instructor_pushed_is_no_submission() -> None:
    nothing = cutoff([SETUP], DEADLINE, learners={"ada"})
    assert (nothing.status, nothing.commit) == ("no submission", "s" * 40)
    not_yet = cutoff([SETUP, B], DEADLINE, learners={"ada"})
    assert not_yet.status == "no submission"
    empty = cutoff([], DEADLINE, learners={"ada"})
    assert (empty.status, empty.commit) == ("no submission", None)


def test_before_the_first_recorded_push_the_head_is_what_that_push_replaced() -> None:
    kept_since = DEADLINE - timedelta(days=1)
    answer = cutoff([B], DEADLINE, learners={"ada"}, kept_since=kept_since)
    assert (answer.status, answer.commit) == ("record gone", "a" * 40)


def test_the_record_is_complete_only_for_repositories_younger_than_ninety_days() -> None:
    now = DEADLINE + timedelta(days=100)
    assert record_kept_since(now, DEADLINE - timedelta(days=20)) == now - timedelta(days=90)
    assert record_kept_since(now, DEADLINE + timedelta(days=20)) is None
    assert record_kept_since(now, None) == now - timedelta(days=90)
    answer = cutoff([A], DEADLINE, learners={"ada"}, kept_since=now - timedelta(days=90))
    assert answer.status == "submitted"  # a push of theirs is still in the record
