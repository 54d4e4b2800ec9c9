"""Where the class is on a milestone assignment: learners per milestone and days spent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from orchestrator.dashboard.milestones import MilestoneRow, milestone_rows
from orchestrator.grades_store import GradedSubmission, MilestoneRecord

START = datetime(2026, 11, 1, 9, tzinfo=UTC)
TITLES = {"accounts": "Accounts", "pages": "Pages", "retries": "Retries"}


def grade(login: str, day: float, *done: str) -> GradedSubmission:
    return GradedSubmission(
        learner=login,
        assignment="tasks-api",
        commit=f"{login}{day}".ljust(40, "0"),
        graded_at=START + timedelta(days=day),
        score=0,
        max_score=100,
        stages=(),
        milestones=tuple(MilestoneRecord(id=i, title=t, done=i in done) for i, t in TITLES.items()),
    )


def test_learners_per_milestone_and_the_days_spent_on_each():
    ada = [grade("ada", 0), grade("ada", 2, "accounts"), grade("ada", 3, "accounts")]
    bob = [grade("bob", 1), grade("bob", 4)]
    cyd = [grade("cyd", 0), grade("cyd", 1, "accounts"), grade("cyd", 2, "accounts", "pages")]
    as_of = START + timedelta(days=6)

    rows = milestone_rows([ada, bob, cyd, []], as_of)

    assert rows == [
        # ada finished it in 2 days, cyd in 1; bob is still at it, 5 days after his first grade
        MilestoneRow(1, "Accounts", here=1, done=2, median_days_to_finish=1.5,
                     median_days_so_far=5.0),
        # ada reached it on day 2 and is still there; cyd reached it on day 1, done on day 2
        MilestoneRow(2, "Pages", here=1, done=1, median_days_to_finish=1.0,
                     median_days_so_far=4.0),
        MilestoneRow(3, "Retries", here=1, done=0, median_days_to_finish=None,
                     median_days_so_far=4.0),
    ]  # fmt: skip


def test_an_assignment_without_milestones_has_no_rows():
    plain = grade("ada", 0).model_copy(update={"milestones": ()})
    assert milestone_rows([[plain]], START) == []


def test_the_assignment_page_shows_where_the_class_is(course_with_small_class, capsys):
    import re

    from small_class import AS_OF

    from classroom.cli import main
    from orchestrator.grades_store import record_lines

    course = course_with_small_class
    lines = [grade("ada", 0), grade("ada", 1, "accounts"), grade("bo", 0)]
    moved = [line.model_copy(update={"graded_at": AS_OF - timedelta(days=3 - i)})
             for i, line in enumerate(lines)]  # fmt: skip
    record_lines(course, moved)
    argv = ["dashboard", "--course", str(course), "--class-info", str(course / "class.json")]
    assert main([*argv, "--as-of", AS_OF.isoformat()]) == 0
    capsys.readouterr()

    page = (course / "site" / "assignments" / "tasks-api.html").read_text(encoding="utf-8")
    words = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "Where the class is: milestones" in words
    # bo is here since his grade a day before the site's moment; ada finished it in a day
    assert "1 Accounts 1 1 1 d 1 d" in words
    assert "2 Pages 1 0 — 2 d" in words  # ada reached it two days before the site's moment
