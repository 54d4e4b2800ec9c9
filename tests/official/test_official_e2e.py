"""The official grade of a class, end to end on the sandbox (issue 11's acceptance test).

Three learners on tasks-api: two honest (the reference solution; the bare starter) and one who
cheats every way at once on top of the starter. It games its tests three ways (a root
conftest that turns failures into passes, tests rewritten to `assert True`, a test that prints
"Points 100/100"), and its app, wherever it is imported, hunts tokens, writes with them and
phones home with the learner's own token. Each test-gaming cheat alone raises the grade if its
protection fails, whatever the others do, and the app's cheats write somewhere if theirs
fails, so one official grade proves them all (the grader's own tests prove each apart:
tests/graders/test_official_grade.py, tests/graders/test_hostile_submissions.py,
tests/workflows/test_grading_e2e.py). One
`classroom official tasks-api --wait` runs the course repository's real workflow through act.
The cheater gets exactly the starter's official grade, stage by stage (the bare starter in the
class is "the same code without the cheats", graded in the same run); the solution gets full
marks; every learner's grade is on their assignment issue; nothing any learner's code did was
written anywhere; the reports and comments say there was no network. (Until 2026-12-04 the
cheats were two learners: one grading fewer, about 90 s, keeps `make test` within its bar.)
"""

from __future__ import annotations

import contextlib
import io
import json
import os

import httpx
import pytest

from classroom.cli import main
from classroom.sandbox_story import solution_files, warm_environment
from graders.model.report import GradeReport
from orchestrator.official.comment import OFFICIAL_GRADE_MARKER
from tests.conftest import FIXTURES, ROOT, SHARED_CACHE
from tests.graders.calibration import (
    OFFICIAL_E2E_SLUG,
    check_milestones,
    check_solution,
    check_starter,
    describe,
)
from tests.official.class_setup import OfficialClass, files_of, official_class

# A real solution's load goals: `make test` runs these one after another, never beside
# another such load test (Makefile). The class's grading (the module fixture, counted in the
# first test's time) takes about 8 minutes on a quiet 2-core machine and took 13 beside other
# work: pytest's default of 10 would cut it.
pytestmark = [pytest.mark.slow, pytest.mark.load_goals, pytest.mark.timeout(1800)]
SLUG = OFFICIAL_E2E_SLUG
COURSE = "school/course"
CHEATS = FIXTURES / "official"
STARTER_TESTS = ROOT / "templates" / SLUG / "starter" / "tests"
LIES = ROOT / "tests" / "workflows" / "hostile" / "lies.py"


def placeholders(files: dict[str, str | None], room: OfficialClass, person) -> dict:
    def fill(text: str | None) -> str | None:
        if text is None:
            return None
        text = text.replace("__API_URL__", room.story.url).replace("__TOKEN__", person.token)
        return text.replace("__REPO__", room.repo_of(person))

    return {name: fill(text) for name, text in files.items()}


def submissions() -> dict[str, dict[str, str | None] | None]:
    """What each learner merges into main, by role (None: the starter as it was)."""
    rewritten = {
        f"tests/{p.name}": "def test_passes():\n    assert True\n"
        for p in sorted(STARTER_TESTS.glob("test_*.py"))
    }
    games_its_tests = {
        **files_of(CHEATS / "games_its_tests_with_a_conftest"),
        **rewritten,
        "tests/test_zz_lies.py": LIES.read_text(),
    }
    return {
        "solution": solution_files(),
        "starter": None,
        "cheats": {**games_its_tests, **files_of(CHEATS / "reaches_out_at_import")},
    }


def repository_state(room: OfficialClass) -> dict[str, object]:
    """Every learner repository's branches and every comment on its issues and PRs."""
    state: dict[str, object] = {}
    for person in room.learners:
        repo = room.story.client(room.story.seeded.instructor).get_repo(room.repo_of(person))
        state[f"{repo.full_name} branches"] = {b.name: b.commit.sha for b in repo.get_branches()}
        state[f"{repo.full_name} comments"] = sorted(
            (i.number, c.user.login, c.body[:40])
            for i in repo.get_issues(state="all")
            for c in i.get_comments()
        )
    return state


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The class, graded by one `classroom official tasks-api --wait`."""
    work = tmp_path_factory.mktemp("official-e2e")
    # One grade job: on GitHub each job has a runner of its own, here they would share two
    # cores, and the solution's load test must not run beside another grading.
    with official_class(work, ROOT / "templates" / SLUG, 3, concurrent=1) as room:
        warm_environment(room.story, SHARED_CACHE)
        roles = dict(zip(submissions(), room.learners, strict=True))
        commits = {}
        for role, person in roles.items():
            files = submissions()[role]
            if files is not None:
                room.submit(person, placeholders(files, room, person))
            repo = room.story.client(person).get_repo(room.repo_of(person))
            commits[role] = repo.get_branch("main").commit.sha
        before = repository_state(room)
        argv = ["official", SLUG, "--course", str(room.course.root), "--wait", "--poll", "1"]
        with pytest.MonkeyPatch.context() as env:
            env.setenv("GITHUB_TOKEN", room.story.seeded.instructor.token)
            env.setenv("CLASSROOM_PACING", "off")
            env.delenv("GITHUB_API_URL", raising=False)
            printed = io.StringIO()
            with contextlib.redirect_stdout(printed):
                code = main([*argv, "--reason", "deadline"])
        room.code, room.printed = code, printed.getvalue()
        room.roles, room.commits, room.before = roles, commits, before
        room.after = repository_state(room)
        room.files = room.course_files(work)
        room.course_activity = httpx.get(
            f"{room.story.url}/repos/{COURSE}/activity",
            params={"per_page": 100},
            headers={"Authorization": f"token {room.story.seeded.instructor.token}"},
        ).json()
        room.comments = {role: _official_comments(room, person) for role, person in roles.items()}
        room.issues = {role: _issue_states(room, person) for role, person in roles.items()}
        yield room


def _issue_states(room: OfficialClass, person) -> dict[str, str]:
    repo = room.story.client(person).get_repo(room.repo_of(person))
    return {
        issue.title: issue.state
        for issue in repo.get_issues(state="all")
        if issue.title.startswith("Milestone ")
    }


def _official_comments(room: OfficialClass, person) -> list[tuple[str, str]]:
    repo = room.story.client(person).get_repo(room.repo_of(person))
    return [
        (c.user.login, c.body)
        for issue in repo.get_issues(state="all")
        for c in issue.get_comments()
        if c.body.startswith(OFFICIAL_GRADE_MARKER)
    ]


MILESTONE_WORDS = ("Done in `", "Reopened: in `")  # reporter.milestone_issues' comments


def store_line(room, role: str) -> dict:
    login = room.roles[role].login
    lines = [json.loads(x) for x in room.files[f"grades/{SLUG}/{login}.jsonl"].splitlines()]
    [line] = lines  # one grade each: nothing recorded twice, no "not graded"
    return line


def report_of(room, role: str) -> GradeReport:
    login, commit = room.roles[role].login, room.commits[role]
    [name] = [n for n in room.files if n.startswith(f"reports/{SLUG}/{login}/{commit}-")]
    return GradeReport.model_validate_json(room.files[name])


def test_the_run_grades_every_learner_officially_and_prints_its_summary(graded):
    assert graded.code == 0, graded.printed
    assert "tasks-api: official grades by grader " in graded.printed
    assert "3 graded, 0 not graded, 0 skipped (already graded)" in graded.printed
    assert "  Grade chunk 0: success" in graded.printed
    for role in graded.roles:
        line = store_line(graded, role)
        assert (line["tier"], line["commit"]) == ("official", graded.commits[role])
        assert line["reason"] == "deadline"


def test_the_solution_gets_full_marks(graded):
    line = store_line(graded, "solution")
    assert line["score"] == line["max_score"] == 100, describe(report_of(graded, "solution"))


def test_the_class_calibrates_the_assignment_as_test_template_grades_does_the_others(graded):
    """The solution's and the bare starter's official grades are tasks-api's calibration
    (tests/graders/test_template_grades.py grades every other template)."""
    solution, starter = report_of(graded, "solution"), report_of(graded, "starter")
    check_solution(solution)
    check_starter(starter)
    check_milestones(solution, starter)


# The goals the starter's code misses by design in every run (its GET /tasks p50 is about
# 4,000 ms and some of its answers are wrong). Its other goals (a create's or an update's
# 95th percentile, queued behind those slow lists) sit near their edge: two runs of the same
# code can differ there, so the load stage is compared on what the code decides.
STARTER_LOAD_MISSES = {
    "GET /tasks: p50 ≤ 60 ms",
    "GET /tasks: p95 ≤ 500 ms",
    "GET /tasks/{id}: p50 ≤ 60 ms",
    "Aggregated: errors ≤ 1%",
}


def stages_but_load(line: dict) -> tuple[list[dict], dict]:
    [load] = [s for s in line["stages"] if s["name"] == "load"]
    return [s for s in line["stages"] if s["name"] != "load"], load


def test_the_cheats_earn_exactly_the_starters_grade_stage_by_stage(graded):
    starter, cheater = store_line(graded, "starter"), store_line(graded, "cheats")
    assert starter["score"] < 50
    starter_stages, starter_load = stages_but_load(starter)
    cheater_stages, cheater_load = stages_but_load(cheater)
    assert cheater_stages == starter_stages
    assert set(starter_load["failed_checks"]) >= STARTER_LOAD_MISSES
    assert set(cheater_load["failed_checks"]) >= STARTER_LOAD_MISSES
    assert round(cheater["score"] - cheater_load["score"], 2) == round(
        starter["score"] - starter_load["score"], 2
    )


def test_the_protected_files_a_cheat_changed_are_named(graded):
    changed = {(t.path, t.change) for t in report_of(graded, "cheats").integrity}
    rewritten = {(f"tests/{p.name}", "changed") for p in STARTER_TESTS.glob("test_*.py")}
    added = {("conftest.py", "added"), ("tests/test_zz_lies.py", "added")}
    assert changed == rewritten | added  # not app/: the app is the learner's own
    assert not report_of(graded, "starter").integrity


def test_every_grade_ran_contained_without_network(graded):
    for role in graded.roles:
        held = report_of(graded, role).containment
        assert held is not None and (held.level, held.network) == ("full", "none"), role
        assert held.sandbox_uid is not None and held.private_filesystem


def test_every_learner_has_their_grade_on_their_assignment_issue(graded):
    instructor = graded.story.seeded.instructor.login
    for role in graded.roles:
        [(author, body)] = graded.comments[role]
        line = store_line(graded, role)
        assert author == instructor
        assert f"· {line['score']:g} / 100" in body
        assert graded.commits[role][:12] in body and "**without network**" in body
    gamed = graded.comments["cheats"][0][1]
    assert "### Protected files put back" in gamed and "`conftest.py` (added)" in gamed
    assert "### Hidden checks that failed" in graded.comments["starter"][0][1]


def test_nothing_a_learners_code_did_was_written_anywhere(graded):
    instructor = graded.story.seeded.instructor.login
    for key, after in graded.after.items():
        if key.endswith("branches"):
            assert after == graded.before[key], key  # no branch, no commit
            continue
        added = sorted(set(after) - set(graded.before[key]))
        assert {who for _, who, _ in added} == {instructor}, key
        grades = [body for _, _, body in added if body.startswith(OFFICIAL_GRADE_MARKER)]
        moved = [body for _, _, body in added if body.startswith(MILESTONE_WORDS)]
        assert len(grades) == 1 and len(grades) + len(moved) == len(added), key
    texts = " ".join(str(v) for v in graded.after.values())
    assert "pwned" not in texts and "phoned home" not in texts
    pushed_by = {a["actor"]["login"] for a in graded.course_activity}
    assert pushed_by == {instructor, "github-actions[bot]"}  # course push; the record job


def test_the_official_grade_moves_the_milestone_issues(graded):
    """Practice grades run no hidden checks: the milestones they judge are done only by the
    official grade, whose record job closes their issues (and opens the next ones)."""
    solution, starter = graded.issues["solution"], graded.issues["starter"]
    assert len(solution) == 5 and set(solution.values()) == {"closed"}, solution
    assert list(starter.values()) == ["open"], starter  # its first milestone is not done


def test_the_course_repository_got_one_commit_of_grades(graded):
    clone_log = _course_log(graded)
    official = [line for line in clone_log if line.startswith("Official grades: tasks-api")]
    assert len(official) == 1, clone_log


def _course_log(room) -> list[str]:
    from tests.orchestrator.repo_files import git, mirror

    clone = mirror(
        f"{room.story.url}/{COURSE}.git",
        room.story.seeded.instructor.token,
        room.story.work / f"log-{os.getpid()}",
    )
    assert clone is not None
    return git("log", "--format=%s", "main", cwd=clone).splitlines()
