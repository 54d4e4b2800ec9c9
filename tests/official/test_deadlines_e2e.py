"""Deadlines that hold, end to end on the sandbox (issue 12's acceptance test).

Three learners on the small `notes` assignment, due at D with a late policy of 10% per late
day for one day, `[official] lock = true`:
- learner 1 merges A two hours before D, then B three hours after it, B's commit dated (by
  the learner) before D: the official run at D judges A, the run at the end of late day 1
  judges B, one late day, with the penalty as its own line; then both repositories whose
  last grading moment that was are locked;
- learner 2 has a two-day extension and merges C an hour after D: graded at their own
  deadline, on time, by the course repository's workflow fired by the sandbox's clock
  (the one run through act: the other runs are the same plan, fetch, grade and record
  run in-process with `--local`);
- learner 3 never pushes: "no submission", a 0 that says so, never an error.
Then a hidden check is fixed and `classroom regrade` grades learner 1 again: the store keeps
both grades with the reason, the dashboard shows the change, the CSV the late penalty.
"""

from __future__ import annotations

import contextlib
import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from classroom.sandbox_story import push_course
from graders.running.containment import detect
from orchestrator.commands.collect import format_rows
from orchestrator.commands.regrade import regrade
from orchestrator.course import load_course
from orchestrator.dashboard.build import build_site
from orchestrator.dashboard.course_facts import class_info_from_course
from orchestrator.grades_store import load_store
from orchestrator.official.comment import OFFICIAL_GRADE_MARKER
from orchestrator.official.local import run_locally
from orchestrator.official.planning import Request
from orchestrator.roster import load_roster
from orchestrator.schedule import cron_line
from sandbox.clock import iso
from tests.conftest import NOTES_ASSIGNMENT, SUBMISSIONS
from tests.official.class_setup import OfficialClass, files_of, official_class

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(bool(detect().missing()), reason="--local grades here, as root"),
]
SLUG = "notes"
DAY = timedelta(days=1)
WRONG = '    assert "error" in response.json()\n'  # a disputed hidden check
RIGHT = '    assert "detail" in response.json()\n'  # what the brief says: the fix


def move_clock(room: OfficialClass, moment: datetime) -> None:
    answer = httpx.post(
        f"{room.story.url}/_sandbox/clock",
        json={"now": iso(moment)},
        headers={"Authorization": f"token {room.story.server.sandbox.admin_token}"},
    )
    assert answer.status_code == 200, answer.text


def set_deadlines(room: OfficialClass, deadline: datetime) -> None:
    """course.toml: notes due at `deadline`, learner 2 two days later, 10% per late day for one
    day, the last run locks; one hidden check disputed."""
    toml = room.course.root / "course.toml"
    text = re.sub(r"(?m)^deadline = .*$", f"deadline = {iso(deadline)}", toml.read_text())
    text = text.replace("learners_per_job = 25", "learners_per_job = 25\nlock = true")
    text += (
        f"[assignments.{SLUG}.extensions]\nschool-learner-2 = {iso(deadline + 2 * DAY)}\n"
        f"[assignments.{SLUG}.late]\npenalty_per_day = 10\nmax_late_days = 1\n"
    )
    toml.write_text(text)
    hidden_check(room, WRONG)


def hidden_check(room: OfficialClass, line: str) -> None:
    hidden = room.course.assignment_dir(SLUG) / "hidden_tests" / "test_notes_api.py"
    text = hidden.read_text()
    hidden.write_text(text.replace(RIGHT, line).replace(WRONG, line))


def run_at(room: OfficialClass, moment: datetime) -> str:
    """The official run the cron of `moment` fires, in-process (`--local`); what it printed."""
    course = load_course(room.course.root)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        request = Request(schedule=cron_line(moment))
        assert run_locally(course, room.story.instructor, request) == 0
    return out.getvalue()


def pull_course_grades(room: OfficialClass, tmp: Path) -> None:
    """The course repository's grades into the folder (as `git pull` would)."""
    for name, data in room.course_files(tmp).items():
        if name.startswith("grades/"):
            path = room.course.root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)


def official_comments(room: OfficialClass, person) -> list[str]:
    repo = room.story.client(person).get_repo(room.repo_of(person))
    return [
        c.body
        for issue in repo.get_issues(state="all")
        for c in issue.get_comments()
        if c.body.startswith(OFFICIAL_GRADE_MARKER)
    ]


@pytest.fixture(scope="module")
def story(tmp_path_factory):
    """The whole story, phase by phase; what each phase left behind."""
    work = tmp_path_factory.mktemp("deadlines-e2e")
    due = (datetime.now(UTC) + 3 * DAY).replace(hour=23, minute=59, second=0, microsecond=0)
    seen: dict[str, object] = {"due": due}
    with official_class(work, NOTES_ASSIGNMENT, 3, concurrent=1) as room:
        one, two, three = room.learners
        seen["logins"] = (one.login, two.login, three.login)
        set_deadlines(room, due)
        half, full = files_of(SUBMISSIONS / "half_done"), files_of(SUBMISSIONS / "passes_all")

        move_clock(room, due - timedelta(hours=2))
        seen["a"] = room.submit(one, half)
        move_clock(room, due + timedelta(hours=1))
        seen["c"] = room.submit(two, full)  # after D, before learner 2's own deadline
        move_clock(room, due + timedelta(hours=3))
        seen["b"] = room.submit(one, full, branch="late", dated=iso(due - timedelta(hours=1)))
        seen["forged"] = room.commit_dates(one)
        seen["at_deadline"] = run_at(room, due)

        move_clock(room, due + DAY + timedelta(minutes=1))
        seen["late_run"] = run_at(room, due + DAY)
        gh = room.story.instructor
        seen["permissions"] = {
            p.login: gh.permission(room.repo_of(p), p.login) for p in room.learners
        }

        room.story.course = load_course(room.course.root)
        push_course(room.story)  # official.yml with a cron per grading moment
        move_clock(room, due + 2 * DAY + timedelta(minutes=1))  # fires learner 2's cron
        assert room.story.wait_for_runs(600)
        course_repo = room.story.client(room.story.seeded.instructor).get_repo("school/course")
        seen["runs"] = [(r.event, r.conclusion) for r in course_repo.get_workflow_runs()]
        seen["repo_store"] = room.store_lines(work)

        pull_course_grades(room, work)
        hidden_check(room, RIGHT)
        course = load_course(room.course.root)
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = regrade(course, gh, SLUG, reason="hidden check fixed", only=[one.login],
                           local=True)  # fmt: skip
        assert code == 0, out.getvalue()
        seen["regrade"] = out.getvalue()
        store = load_store(room.course.root)
        seen["store"] = store
        learners = load_roster(course.roster_path).learners
        seen["csv"] = {r["github_username"]: r for r in format_rows(course, SLUG, learners, store)}
        info = class_info_from_course(course, store)
        site = build_site(info, store, work / "site", as_of=due + 3 * DAY).out
        seen["learner_page"] = (site / "learners" / f"{one.login}.html").read_text()
        seen["assignment_page"] = (site / "assignments" / f"{SLUG}.html").read_text()
        seen["comments"] = {p.login: official_comments(room, p) for p in room.learners}
        yield seen


def pushed_soon_after(recorded: str, moment: datetime) -> bool:
    """The server recorded the push within a minute of `moment`: the sandbox's clock runs on in
    real time once moved, so a push on a busy machine lands a second or more after it."""
    pushed = datetime.fromisoformat(recorded.replace("Z", "+00:00"))
    return moment <= pushed < moment + timedelta(minutes=1)


def lines_of(store: dict[str, list[dict]], login: str) -> list[dict]:
    return store[f"grades/{SLUG}/{login}.jsonl"]


def test_the_official_grade_at_the_deadline_judges_the_commit_pushed_before_it(story):
    one = story["logins"][0]
    [graded] = [x for x in lines_of(story["repo_store"], one) if x["reason"] == "deadline"]
    assert graded["commit"] == story["a"]
    assert graded["deadline"] == iso(story["due"])
    assert pushed_soon_after(graded["pushed_at"], story["due"] - timedelta(hours=2))
    assert (
        "1 to grade, 0 graded already, 0 cannot be graded, 1 without a submission"
        in (story["at_deadline"])
    )


def test_the_late_run_judges_the_later_commit_with_the_penalty_whatever_its_dates_say(story):
    one, due = story["logins"][0], story["due"]
    assert story["forged"] == (iso(due - timedelta(hours=1)).replace("Z", "+00:00"),) * 2
    [late] = [x for x in lines_of(story["repo_store"], one) if x["reason"] == "end of late day 1"]
    assert late["commit"] == story["b"]
    assert pushed_soon_after(late["pushed_at"], due + timedelta(hours=3))  # not B's own date
    row = story["csv"][one]
    assert (row["status"], row["days_late"], row["late_penalty"]) == ("late", "1", "10")
    assert (row["points_before_penalty"], row["points_awarded"]) == ("100", "90")
    assert row["graded_commit"] == story["b"]
    [comment] = story["comments"][one]
    assert "## Official grade · Notes service (grader test fixture) · 90 / 100" in comment
    assert "Pushed 3 h after the deadline: 1 late day" in comment
    assert "| late penalty (10% of full marks per late day) | −10 |" in comment  # noqa: RUF001
    assert "| **score** | **90 / 100** |" in comment


def test_a_learner_with_an_extension_is_graded_at_their_own_deadline_by_the_scheduled_run(story):
    two, due = story["logins"][1], story["due"]
    assert story["runs"] == [("schedule", "success")]  # the sandbox's clock fired it, act ran it
    [graded] = lines_of(story["repo_store"], two)
    assert (graded["commit"], graded["reason"]) == (story["c"], f"extended deadline of {two}")
    assert graded["deadline"] == iso(due + 2 * DAY)
    assert pushed_soon_after(graded["pushed_at"], due + timedelta(hours=1))  # after D, before
    row = story["csv"][two]  # their own deadline
    assert (row["status"], row["days_late"], row["late_penalty"]) == ("on time", "0", "0")
    assert float(row["points_awarded"]) == pytest.approx(graded["score"])


def test_a_learner_who_never_pushed_has_no_submission_a_zero_that_says_so(story):
    three = story["logins"][2]
    [line] = lines_of(story["repo_store"], three)  # once: the late run found nothing new
    assert line["no_submission"] is True and line["checked_at"] == iso(story["due"])
    assert "- no submission (0): " + three in story["at_deadline"]
    row = story["csv"][three]
    assert (row["points_awarded"], row["points_available"]) == ("0", "100")
    assert (row["status"], row["tier"], row["not_graded"]) == ("no submission", "official", "")
    assert story["comments"][three] == []
    row = re.search(rf"{three}</a></th>\s*<td[^>]*>([^<]*)</td>\s*<td[^>]*>([^<]*)</td>",
                    story["assignment_page"])  # fmt: skip
    assert row is not None and row.groups() == ("no submission", "0%")


def test_the_run_at_the_last_grading_moment_locks_those_repositories(story):
    one, two, three = story["logins"]
    assert story["permissions"] == {one: "read", two: "write", three: "read"}
    assert f"school/{SLUG}-{one} ({one}): locked" in story["late_run"]


def test_a_regrade_after_a_hidden_check_is_fixed_keeps_both_grades_with_its_reason(story):
    one = story["logins"][0]
    history = story["store"].history(SLUG, one)
    of_b = [(s.reason, s.score) for s in history if s.commit == story["b"]]
    assert of_b == [("end of late day 1", 92.5), ("hidden check fixed", 100.0)]
    regraded = history[-1]
    assert (regraded.pushed_at, regraded.deadline) == (history[-2].pushed_at, history[-2].deadline)
    assert "1 graded, 0 not graded" in story["regrade"]
    assert "Regraded: hidden check fixed, 92.5 → 100" in story["learner_page"]
    assert "(graded for: hidden check fixed)" in story["comments"][one][0]
