"""The pure parts of planning an official run: chunks, deadline crons, who is due, which
commit, the plan itself."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from basis.errors import UserError
from orchestrator.commands.official import Waiting
from orchestrator.commands.regrade import regrade
from orchestrator.course import Course, CourseDir
from orchestrator.cutoff import Cutoff
from orchestrator.gateway import Push, RepoInfo
from orchestrator.grades_store import GradesStore, store_from_submissions
from orchestrator.official.chunking import MAX_CHUNKS, chunk_count, job_outputs, split
from orchestrator.official.model import Entry
from orchestrator.official.planning import (
    Looking,
    Observed,
    Origin,
    Request,
    Target,
    assemble,
    at_moment,
    counted_grade,
    format_plan,
    judged_before,
    targets,
)
from orchestrator.official.schedule import deadline_crons, due_seats
from orchestrator.plan import Seat, seats
from orchestrator.roster import Learner
from orchestrator.schedule import cron_line
from tests.official.reports import graded_line

SHA = "a" * 40
GRADER = "b" * 40


def entries(count: int) -> list[Entry]:
    return [
        Entry(
            assignment="hw",
            seat=f"learner-{i}",
            members=(f"learner-{i}",),
            repo=f"school/hw-learner-{i}",
            clone_url=f"https://example.test/school/hw-learner-{i}.git",
            html_url=f"https://example.test/school/hw-learner-{i}",
            commit=SHA,
        )
        for i in range(count)
    ]


# --- chunks --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("learners", "chunks", "largest"),
    [(1, 1, 1), (20, 20, 1), (256, 20, 13), (500, 20, 25), (10_000, 255, 40)],
)
def test_a_class_is_cut_into_chunks_github_can_run(learners, chunks, largest):
    cut = split(entries(learners), concurrent=20, per_job=25)
    sizes = [len(c.entries) for c in cut]
    assert len(cut) == chunks <= MAX_CHUNKS
    assert max(sizes) == largest and max(sizes) - min(sizes) <= 1
    assert [e.seat for c in cut for e in c.entries] == [e.seat for e in entries(learners)]
    assert [c.index for c in cut] == list(range(chunks))


def test_more_learners_than_the_running_jobs_can_take_make_more_chunks_of_at_most_per_job():
    assert chunk_count(1_000, concurrent=20, per_job=25) == 40
    assert chunk_count(60, concurrent=2, per_job=25) == 3
    assert chunk_count(6, concurrent=1, per_job=25) == 1
    assert chunk_count(0, concurrent=20, per_job=25) == 0


def test_the_plan_jobs_outputs_are_one_matrix_for_each_of_fetch_and_grade():
    outputs = job_outputs(split(entries(3), concurrent=2, per_job=25))
    assert json.loads(outputs["grade-matrix"]) == {"chunk": ["0", "1"]}
    assert json.loads(outputs["fetch-matrix"]) == {"part": ["grader", "0", "1"]}
    assert outputs["chunks"] == "2"
    assert job_outputs(())["chunks"] == "0"


# --- deadlines as crons ----------------------------------------------------------------------


def test_a_deadline_is_a_cron_in_utc_at_the_first_whole_minute_not_before_it():
    assert cron_line(datetime(2026, 12, 6, 23, 59, tzinfo=UTC)) == "59 23 6 12 *"
    assert cron_line(datetime.fromisoformat("2026-12-06T23:59:30+00:00")) == "0 0 7 12 *"
    assert cron_line(datetime.fromisoformat("2026-12-07T00:30:00+01:00")) == "30 23 6 12 *"


COURSE = {
    "org": "school",
    "assignments": {
        "tasks-api": {
            "deadline": "2026-12-06T23:59:00Z",
            "extensions": {"ada": "2026-12-08T12:00:00+02:00"},
        },
        "notes": {"deadline": "2026-12-06T23:59:00Z"},
        "draft": {},
    },
}


def test_every_deadline_and_extension_is_one_cron_each_moment_once():
    crons = deadline_crons(Course.model_validate(COURSE))
    assert [(c.cron, c.what) for c in crons] == [
        ("59 23 6 12 *", ("notes deadline", "tasks-api deadline")),
        ("0 10 8 12 *", ("tasks-api extended deadline of ada",)),
    ]


def test_the_end_of_every_late_day_is_a_cron_too_extended_ones_after_their_own_deadline():
    late = {**COURSE, "late": {"penalty_per_day": 10, "max_late_days": 2}}
    crons = deadline_crons(Course.model_validate(late))
    assert [(c.cron, c.what) for c in crons] == [
        ("59 23 6 12 *", ("notes deadline", "tasks-api deadline")),
        ("59 23 7 12 *", ("notes end of late day 1", "tasks-api end of late day 1")),
        ("0 10 8 12 *", ("tasks-api extended deadline of ada",)),
        ("59 23 8 12 *", ("notes end of late day 2", "tasks-api end of late day 2")),
        ("0 10 9 12 *", ("tasks-api end of late day 1 after the extension of ada",)),
        ("0 10 10 12 *", ("tasks-api end of late day 2 after the extension of ada",)),
    ]


def people(*logins: str, team: str | None = None) -> tuple[Learner, ...]:
    return tuple(
        Learner(github_username=x, name=x, email=f"{x}@example.edu", team=team) for x in logins
    )


def test_the_cron_that_fired_says_who_is_due_an_extension_only_at_its_own_time():
    course = Course.model_validate(COURSE)
    everyone = seats(course, "tasks-api", people("ada", "bob", "cy"))

    def due(cron: str) -> list[tuple[str, str]]:
        return [(s.name, m.describe()) for s, m in due_seats(course, "tasks-api", everyone, cron)]

    assert due("59 23 6 12 *") == [("bob", "deadline"), ("cy", "deadline")]
    assert due("0 10 8 12 *") == [("ada", "extended deadline of ada")]
    assert due("0 0 1 1 *") == []


def test_a_late_run_grades_each_learner_at_the_end_of_their_own_late_day():
    late = {**COURSE, "late": {"penalty_per_day": 10, "max_late_days": 1}}
    course = Course.model_validate(late)
    everyone = seats(course, "tasks-api", people("ada", "bob"))
    [(bob, moment)] = due_seats(course, "tasks-api", everyone, "59 23 7 12 *")
    assert (bob.name, moment.at, moment.late_day) == (
        "bob",
        datetime(2026, 12, 7, 23, 59, tzinfo=UTC),
        1,
    )
    [(ada, later)] = due_seats(course, "tasks-api", everyone, "0 10 9 12 *")
    assert (ada.name, later.late_day) == ("ada", 1)


def test_a_scheduled_run_covers_every_assignment_due_at_its_cron(tmp_path):
    course = CourseDir(root=tmp_path, course=Course.model_validate(COURSE))
    found = targets(course, people("ada", "bob"), Request(schedule="59 23 6 12 *"))
    moment = datetime(2026, 12, 6, 23, 59, tzinfo=UTC)
    assert [(t.slug, [s.name for s in t.seats], t.reason, dict(t.moments)) for t in found] == [
        ("notes", ["ada", "bob"], "deadline", {"ada": moment, "bob": moment}),
        ("tasks-api", ["bob"], "deadline", {"bob": moment}),
    ]


def test_a_dispatch_covers_the_roster_or_the_learners_named_and_refuses_strangers(tmp_path):
    course = CourseDir(root=tmp_path, course=Course.model_validate(COURSE))
    roster = people("ada", "bob")
    [every] = targets(course, roster, Request(assignment="notes", reason="check"))
    assert [s.name for s in every.seats] == ["ada", "bob"] and every.reason == "check"
    [one] = targets(course, roster, Request(assignment="notes", learners=("BOB",)))
    assert [s.name for s in one.seats] == ["bob"]
    with pytest.raises(UserError, match="not on the roster: eve"):
        targets(course, roster, Request(assignment="notes", learners=("eve",)))
    with pytest.raises(UserError, match="no assignment 'nope'"):
        targets(course, roster, Request(assignment="nope"))


# --- which commit -----------------------------------------------------------------------------


DEADLINE = datetime(2026, 12, 6, 23, 59, tzinfo=UTC)


def push(before: str, after: str, at: str) -> Push:
    return Push(
        id=0, ref="refs/heads/main", before=before * 40, after=after * 40,
        pushed_at=datetime.fromisoformat(at), actor="ada", kind="push",
    )  # fmt: skip


def cut(status: str, commit: str | None, pushed: str | None = None) -> Cutoff:
    at = datetime.fromisoformat(pushed) if pushed else None
    return Cutoff(DEADLINE, status, commit, at)  # type: ignore[arg-type]


def test_the_commit_at_a_moment_is_judged_against_the_deadline_with_its_push_time():
    seen = at_moment(cut("submitted", SHA, "2026-12-06T20:00:00Z"), DEADLINE, None, repo("x"))
    assert seen.commit == SHA and seen.absent is None
    assert seen.judged is not None
    assert (seen.judged.deadline, seen.judged.moment) == (DEADLINE, DEADLINE)
    assert seen.judged.pushed_at == datetime(2026, 12, 6, 20, tzinfo=UTC)


def test_nothing_pushed_by_the_moment_is_no_submission_not_a_commit_to_grade():
    seen = at_moment(cut("no submission", "5" * 40), DEADLINE, None, repo("x"))
    assert (seen.commit, seen.cause) == (None, "")
    assert seen.absent is not None and seen.absent.commit == "5" * 40


def test_when_the_record_is_gone_the_stored_official_commit_stands_in(tmp_path):
    del tmp_path
    stored = graded_line("ada", "notes", SHA, GRADER).model_copy(
        update={"deadline": DEADLINE, "pushed_at": datetime(2026, 12, 6, 20, tzinfo=UTC)}
    )
    seen = at_moment(cut("record gone", None), DEADLINE, stored, repo("x"))
    assert seen.commit == SHA and seen.judged is not None
    assert seen.judged.pushed_at == stored.pushed_at
    lost = at_moment(cut("record gone", None), DEADLINE, None, repo("x"))
    assert lost.commit is None and "record of pushes no longer reaches" in lost.cause


# --- the plan ---------------------------------------------------------------------------------


def repo(name: str) -> RepoInfo:
    return RepoInfo(
        full_name=f"school/{name}",
        private=True,
        archived=False,
        is_template=False,
        default_branch="main",
        html_url=f"https://example.test/school/{name}",
        clone_url=f"https://example.test/school/{name}.git",
    )


ORIGIN = Origin("school/course", "c" * 40, "school/classroom", GRADER, "workflow_dispatch")


def plan_of(tmp_path, store: GradesStore, request: Request, toml: dict | None = None):
    config = Course.model_validate(toml or COURSE)
    course = CourseDir(root=tmp_path, course=config)
    everyone = tuple(seats(config, "notes", people("ada", "bob", "cy")))
    found = [Target("notes", everyone, request.reason)]
    observed = {
        "notes": {
            "ada": Observed(repo("notes-ada"), SHA),
            "bob": Observed(repo("notes-bob"), "d" * 40),
            "cy": Observed(None, None, "no repository school/notes-cy"),
        }
    }
    now = datetime(2026, 12, 1, tzinfo=UTC)
    return assemble(course, observed, found, store, ORIGIN, request=request, now=now)


def test_the_plan_skips_grades_given_already_and_names_what_cannot_be_graded(tmp_path):
    store = store_from_submissions([graded_line("ada", "notes", SHA, GRADER)])
    plan = plan_of(tmp_path, store, Request(assignment="notes"))
    [official] = plan.plans
    assert official.already_graded == {"ada": SHA}
    assert official.to_grade == {"bob": "d" * 40, "cy": ""}
    assert plan.causes == {"notes": {"cy": "no repository school/notes-cy"}}
    assert [[e.seat for e in c.entries] for c in plan.chunks] == [["bob"]]
    assert [e.seat for e in plan.seats["notes"]] == ["ada", "bob"]  # posted when released
    assert plan.release == "after-deadline" and plan.titles == {"notes": "notes"}
    text = format_plan(plan)
    assert "1 grade job(s) of 1 repositories" in text
    assert "- notes: 1 to grade, 1 graded already, 1 cannot be graded" in text
    assert "  - cy: no repository school/notes-cy" in text


def test_a_regrade_for_a_reason_grades_again_those_graded_for_another(tmp_path):
    store = store_from_submissions([graded_line("ada", "notes", SHA, GRADER)])
    plan = plan_of(tmp_path, store, Request(assignment="notes", reason="fixed check", regrade=True))
    assert set(plan.plans[0].to_grade) == {"ada", "bob", "cy"}
    with pytest.raises(UserError, match="a regrade needs its reason"):
        plan_of(tmp_path, store, Request(assignment="notes", regrade=True))


def test_a_team_repository_is_one_entry_for_all_its_members(tmp_path):
    toml = {**COURSE, "assignments": {"notes": {"group": True}}}
    config = Course.model_validate(toml)
    team = seats(config, "notes", people("ada", "bob", team="Red Team"))
    assert [(s.name, s.members) for s in team] == [("red-team", ("ada", "bob"))]
    found = [Target("notes", tuple(team), "")]
    observed = {"notes": {"red-team": Observed(repo("notes-red-team"), SHA)}}
    course = CourseDir(root=tmp_path, course=config)
    plan = assemble(course, observed, found, GradesStore(), ORIGIN, request=Request(), now=DEADLINE)
    [chunk] = plan.chunks
    assert [(e.seat, e.members) for e in chunk.entries] == [("red-team", ("ada", "bob"))]
    assert plan.plans[0].to_grade == {"ada": SHA, "bob": SHA}


def test_a_seats_deadline_is_its_members_latest(tmp_path):
    del tmp_path
    course = Course.model_validate(COURSE)
    [seat] = [Seat("ada", "school/tasks-api-ada", ("ada",))]
    from orchestrator.official.schedule import seat_deadline

    assert seat_deadline(course, "tasks-api", seat) == datetime(2026, 12, 8, 10, tzinfo=UTC)
    assert seat_deadline(course, "draft", seat) is None


# --- late runs, no submission, locks, regrades ------------------------------------------------


LATE = {
    "org": "school",
    "late": {"penalty_per_day": 10, "max_late_days": 1},
    "official": {"lock": True},
    "assignments": {"notes": {"deadline": "2026-12-06T23:59:00Z"}},
}


def test_a_late_run_plans_each_commit_with_what_it_is_judged_against_and_who_had_nothing(
    tmp_path,
):
    config = Course.model_validate(LATE)
    course = CourseDir(root=tmp_path, course=config)
    roster = people("ada", "bob", "cy")
    [target] = targets(course, roster, Request(schedule="59 23 7 12 *"))
    assert target.reason == "end of late day 1" and target.scheduled
    pushed = DEADLINE + timedelta(hours=3)
    late = at_moment(cut("submitted", SHA, pushed.isoformat()), DEADLINE, None, repo("n-ada"))
    nothing = at_moment(cut("no submission", "5" * 40), DEADLINE, None, repo("n-bob"))
    on_time = store_from_submissions([graded_line("cy", "notes", "d" * 40, "c" * 40)])
    observed = {"notes": {"ada": late, "bob": nothing, "cy": Observed(repo("n-cy"), "d" * 40)}}
    plan = assemble(course, observed, [target], on_time, ORIGIN, request=Request(), now=DEADLINE)
    [official] = plan.plans
    assert official.once and official.to_grade == {"ada": SHA}
    assert official.already_graded == {"cy": "d" * 40}  # graded once, by any grader
    assert official.judged["ada"].pushed_at == pushed and set(official.absent) == {"bob"}
    assert [e.seat for c in plan.chunks for e in c.entries] == ["ada"]
    assert [x.seat for x in plan.locks] == ["ada", "bob", "cy"]  # the last moment: locked
    assert "1 without a submission" in format_plan(plan)


def test_only_the_last_grading_moment_locks_and_only_when_the_course_says_so(tmp_path):
    config = Course.model_validate(LATE)
    course = CourseDir(root=tmp_path, course=config)
    [at_deadline] = targets(course, people("ada"), Request(schedule="59 23 6 12 *"))
    observed = {"notes": {"ada": Observed(repo("n-ada"), SHA)}}
    plan = assemble(course, observed, [at_deadline], GradesStore(), ORIGIN, request=Request(),
                    now=DEADLINE)  # fmt: skip
    assert plan.locks == ()
    off = CourseDir(root=tmp_path, course=Course.model_validate({**LATE, "official": {}}))
    [last] = targets(off, people("ada"), Request(schedule="59 23 7 12 *"))
    plan = assemble(off, observed, [last], GradesStore(), ORIGIN, request=Request(), now=DEADLINE)
    assert plan.locks == ()


def test_a_regrade_reuses_the_commit_of_the_grade_that_counts_with_its_facts(tmp_path):
    config = Course.model_validate({**LATE, "counts": "best"})
    course = CourseDir(root=tmp_path, course=config)
    judged = {"deadline": DEADLINE, "pushed_at": DEADLINE + timedelta(hours=3)}
    best = graded_line("ada", "notes", "e" * 40, GRADER).model_copy(update=judged)
    worse = graded_line("ada", "notes", "f" * 40, GRADER).model_copy(
        update={**judged, "score": 1.0, "graded_at": best.graded_at + timedelta(days=1)}
    )
    look = Looking(course, store_from_submissions([best, worse]), Request(regrade=True), DEADLINE)
    [seat] = seats(config, "notes", people("ada"))
    found = counted_grade(look, "notes", seat)
    assert found is not None and found.commit == "e" * 40
    facts = judged_before(found)
    assert facts is not None and (facts.deadline, facts.pushed_at) == (
        DEADLINE,
        DEADLINE + timedelta(hours=3),
    )


def test_a_regrade_needs_its_reason(tmp_path):
    course = CourseDir(root=tmp_path, course=Course.model_validate(LATE))
    with pytest.raises(UserError, match="a regrade needs its reason"):
        regrade(course, None, "notes", reason="  ")  # type: ignore[arg-type]
    with pytest.raises(UserError, match="drop --wait"):
        regrade(course, None, "notes", reason="fix", local=True, wait=Waiting())  # type: ignore[arg-type]
