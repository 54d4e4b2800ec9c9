"""The learner's deadline on their issues: what the block says, how the practice comment reads
it, and provisioning that writes it and keeps it current when an extension comes."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from rich.console import Console

from orchestrator.commands.provision import provision
from orchestrator.commands.publish import publish
from orchestrator.course import Course, load_course
from orchestrator.deadline_notice import notice_for
from orchestrator.gateway import IssueInfo, RepoInfo
from orchestrator.plan import Observed, Seat, Shown, Step, plan_seat
from reporter.deadline_notice import (
    Notice,
    notice_block,
    practice_line,
    read_notice,
    with_notice,
)
from tests.orchestrator.conftest import ORG, Classroom

DEADLINE = datetime(2026, 12, 13, 4, 59, tzinfo=UTC)  # Sat 12 Dec 23:59 in New York
COURSE = {
    "org": "school",
    "timezone": "America/New_York",
    "late_days": 2,
    "late": {"penalty_per_day": 10, "max_late_days": 3},
    "assignments": {
        "hw": {"deadline": DEADLINE, "extensions": {"ada": DEADLINE + timedelta(days=2)}},
        "solo": {"deadline": DEADLINE, "late": {"penalty_per_day": 0, "max_late_days": 0}},
    },
}


def test_the_notice_is_the_learners_own_deadline_with_the_late_work_accepted():
    course = Course.model_validate(COURSE)
    bob = notice_for(course, "hw", ["bob"])
    assert bob is not None and (bob.deadline, bob.extended) == (DEADLINE, False)
    assert bob.late_until == DEADLINE + timedelta(days=3)
    assert bob.policy == (
        "late work accepted for 3 days (10% of full marks per late day); "
        "2 days of free late days for the whole course"
    )
    ada = notice_for(course, "hw", ["ada"])
    assert ada is not None and ada.extended and ada.deadline == DEADLINE + timedelta(days=2)
    team = notice_for(course, "hw", ["bob", "ada"])  # a team's: its members' latest
    assert team == ada
    solo = notice_for(course, "solo", ["bob"])
    assert solo is not None and solo.late_until is None


def test_the_block_says_the_deadline_in_the_course_zone_and_carries_it_for_the_report_job():
    notice = notice_for(Course.model_validate(COURSE), "hw", ["ada"])
    assert notice is not None
    block = notice_block(notice)
    assert "**Deadline: Mon 14 Dec 2026 23:59 UTC-5** (your extension)." in block
    assert "until Thu 17 Dec 2026 23:59 UTC-5" in block
    assert read_notice(f"The brief.\n\n{block}\n") == notice
    assert read_notice("no marker") is None
    assert read_notice('<!-- classroom:deadline {"deadline": "tomorrow"} -->') is None


def test_a_new_deadline_replaces_the_old_block_and_the_rest_of_the_issue_stays():
    first = Notice(deadline=DEADLINE)
    body = with_notice("The brief.\n", first)
    assert body.startswith("The brief.\n\n") and read_notice(body) == first
    later = Notice(deadline=DEADLINE + timedelta(days=2), extended=True)
    changed = with_notice(body + "\nA note the instructor added.\n", later)
    assert read_notice(changed) == later and changed.count("classroom:deadline-start") == 1
    assert changed.startswith("The brief.\n\n") and "A note the instructor added." in changed


def test_the_practice_line_says_due_in_how_long_or_how_late_and_whether_it_is_accepted():
    notice = Notice(
        deadline=DEADLINE,
        timezone="America/New_York",
        late_until=DEADLINE + timedelta(days=1),
        policy="late work accepted for 1 day (10% of full marks per late day)",
    )
    early = practice_line(notice, DEADLINE - timedelta(days=2, hours=1))
    assert early == "⏰ Due Sat 12 Dec 2026 23:59 UTC-5, in 2 days."
    late = practice_line(notice, DEADLINE + timedelta(hours=3))
    assert late.startswith("⏰ Pushed 3 h after the deadline (due Sat 12 Dec 2026 23:59 UTC-5)")
    assert "late policy applies" in late
    closed = practice_line(notice, DEADLINE + timedelta(days=2))
    assert "late work is no longer accepted" in closed


def repo() -> RepoInfo:
    return RepoInfo("school/hw-ada", True, False, False, "main", "u", "u.git")


def test_provision_plans_an_edit_of_each_issue_that_shows_another_deadline():
    seat = Seat("ada", "school/hw-ada", ("ada",))
    wanted = Notice(deadline=DEADLINE + timedelta(days=2), extended=True)
    old = with_notice("brief", Notice(deadline=DEADLINE))
    issues = (
        IssueInfo(1, "Assignment: HW", False, "u", body=old),
        IssueInfo(2, "Feedback", True, "u"),
        IssueInfo(3, "Assignment: HW", False, "u", body=with_notice("b", wanted)),
        IssueInfo(4, "A question", False, "u", body=old),  # not one of ours
    )
    seen = Observed(repo=repo(), issues=issues)
    titles = frozenset({"Assignment: HW"})
    plan = plan_seat(seat, seen, "HW", shown=Shown(wanted, titles))
    assert [(s, arg) for s, arg in plan.steps if s is Step.DEADLINE] == [(Step.DEADLINE, "1")]
    assert not any(s is Step.DEADLINE for s, _ in plan_seat(seat, seen, "HW").steps)


def test_provision_writes_the_deadline_and_an_extension_edits_it(classroom: Classroom) -> None:
    gh = classroom.gateway()
    publish(classroom.course, gh, "tasks-api")
    quiet = Console(file=io.StringIO(), width=200)
    assert provision(classroom.course, gh, "tasks-api", console=quiet) == 0
    learner = "school-learner-2"
    full = f"{ORG}/tasks-api-{learner}"
    [issue] = [i for i in gh.issues(full) if not i.is_pull]
    first = read_notice(issue.body)
    assert first is not None and not first.extended
    assert first.deadline == classroom.course.course.assignments["tasks-api"].deadline

    toml = classroom.course.root / "course.toml"
    moved = (first.deadline + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    toml.write_text(toml.read_text() + f"[assignments.tasks-api.extensions]\n{learner} = {moved}\n")
    course = load_course(classroom.course.root)
    before = gh.calls.writes
    assert provision(course, gh, "tasks-api", console=quiet) == 0
    assert gh.calls.writes - before == 1  # one edit: the extended learner's issue
    [issue] = [i for i in gh.issues(full) if not i.is_pull]
    now = read_notice(issue.body)
    assert now is not None and now.extended and now.deadline == first.deadline + timedelta(days=2)
    assert "(your extension)" in issue.body
    again = gh.calls.writes
    assert provision(course, gh, "tasks-api", console=quiet) == 0
    assert gh.calls.writes == again
