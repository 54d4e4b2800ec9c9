"""course.toml and the roster as typed models; init, roster check, publish, pacing, the CLI."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from basis.errors import UserError
from classroom.cli import main
from orchestrator.commands.init import init
from orchestrator.commands.publish import publish
from orchestrator.course import load_course
from orchestrator.gateway import connect, missing_scopes
from orchestrator.pacing import Pacer, format_duration, modelled_seconds, wait_notice
from orchestrator.roster import Learner, load_roster, missing_from, with_learner
from orchestrator.treesync import tree_files
from tests.orchestrator.conftest import ORG, Classroom

ROSTER_WITH_EVERY_MISTAKE = """github_username,name,email,section,team
ada,Ada Lovelace,ada@example.edu,A,red
-bad-,Bad Name,bad@example.edu,A,
bob,,bob@example.edu,B,
carol,Carol,not-an-email,B,
ADA,Ada Again,ada2@example.edu,A,blue
dave,Dave,dave@example.edu
"""


def test_init_scaffolds_a_course_that_loads(tmp_path: Path) -> None:
    assert main(["init", str(tmp_path / "c"), "--org", "school", "--api-url", "http://x:1"]) == 0
    course = load_course(tmp_path / "c")
    assert course.course.org == "school"
    assert course.api_url == "http://x:1"
    assert course.starter("tasks-api").is_dir()
    assert load_roster(course.roster_path).problems == ()
    assert "classroom roster check" in (tmp_path / "c" / "README.md").read_text()


def test_init_refuses_to_overwrite_a_course(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["init", str(tmp_path), "--org", "school"])
    assert main(["init", str(tmp_path), "--org", "school"]) == 2
    assert "exists already" in capsys.readouterr().err


def test_github_api_url_overrides_the_course_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    main(["init", str(tmp_path), "--org", "school", "--api-url", "http://x:1"])
    monkeypatch.setenv("GITHUB_API_URL", "http://y:2")
    assert load_course(tmp_path).api_url == "http://y:2"


def test_a_bad_course_file_names_file_and_field(tmp_path: Path) -> None:
    (tmp_path / "course.toml").write_text(
        'org = "school"\n[repos]\nname = "{assignment}"\n[assignments.Bad_Slug]\n'
    )
    with pytest.raises(UserError) as error:
        load_course(tmp_path)
    message = str(error.value)
    assert "course.toml: repos.name" in message and "{login}" in message
    assert "assignments.Bad_Slug" in message


def test_init_scaffolds_the_two_repositories_and_when_grades_are_released(
    tmp_path: Path,
) -> None:
    init(tmp_path, org="school")
    course = load_course(tmp_path).course
    assert (course.grading_repo, course.grading_visibility) == (None, "public")
    assert (course.course_repo, course.release) == ("course", "after-deadline")
    toml = (tmp_path / "course.toml").read_text()
    assert '# grading_repo = "classroom"' in toml  # uncommented once, before publish-grader
    readme = (tmp_path / "README.md").read_text()
    assert "classroom publish-grader" in readme and "classroom course push" in readme


@pytest.mark.parametrize(
    ("lines", "field", "fix"),
    [
        ('release = "later"', "release", "'now' or 'after-deadline'"),
        ('grading_visibility = "private"', "grading_visibility", "'public' or 'internal'"),
        ('course_repo = "my course"', "course_repo", "OWNER/NAME"),
        ('grading_repo = "course"', "course_repo", "must differ"),
        ('grading_repo = "School/Course"', "course_repo", "must differ"),
    ],
)
def test_the_repository_fields_are_checked_and_name_the_fix(
    tmp_path: Path, lines: str, field: str, fix: str
) -> None:
    (tmp_path / "course.toml").write_text(f'org = "school"\n{lines}\n')
    with pytest.raises(UserError) as error:
        load_course(tmp_path)
    message = str(error.value)
    assert f"course.toml: {field}:" in message and fix in message


def test_a_bare_repository_name_lives_in_the_org(tmp_path: Path) -> None:
    (tmp_path / "course.toml").write_text(
        'org = "school"\ngrading_repo = "other/grader"\ncourse_repo = "private-course"\n'
    )
    course = load_course(tmp_path).course
    assert course.full_name(course.course_repo) == "school/private-course"
    assert course.full_name(course.grading_repo or "") == "other/grader"


def test_extensions_override_the_deadline(tmp_path: Path) -> None:
    (tmp_path / "course.toml").write_text(
        'org = "school"\n[assignments.a]\ndeadline = 2030-01-01T00:00:00Z\n'
        "[assignments.a.extensions]\nAda = 2030-01-03T00:00:00Z\n"
    )
    assignment = load_course(tmp_path).course.assignment("a")
    assert assignment.deadline_of("ada") == datetime(2030, 1, 3, tzinfo=UTC)
    assert assignment.deadline_of("bob") == datetime(2030, 1, 1, tzinfo=UTC)


def test_every_bad_roster_row_is_reported_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_text(ROSTER_WITH_EVERY_MISTAKE)
    problems = [(p.line, p.field) for p in load_roster(path).problems]
    assert problems == [
        (3, "github_username"),
        (4, "name"),
        (5, "email"),
        (6, "github_username"),
        (7, "row"),
    ]
    duplicate = load_roster(path).problems[3].message
    assert "already in team 'red' on line 2" in duplicate


def test_a_wrong_header_is_one_problem(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_text("login,name\nada,Ada\n")
    assert [p.field for p in load_roster(path).problems] == ["header"]


def test_roster_check_asks_github_for_unknown_users(
    classroom: Classroom, capsys: pytest.CaptureFixture[str]
) -> None:
    roster = classroom.course.roster_path
    roster.write_text(roster.read_text() + "nobody-here,No Body,no@example.edu,A,\n")
    course = str(classroom.course.root)
    assert main(["roster", "check", "--course", course, "--offline"]) == 0
    assert main(["roster", "check", "--course", course]) == 1
    assert "roster.csv:5: github_username: GitHub knows no user nobody-here" in (
        capsys.readouterr().err
    )


def test_publish_makes_no_commit_when_nothing_changed(classroom: Classroom) -> None:
    gh = classroom.gateway()
    template = f"{ORG}/tasks-api-template"
    publish(classroom.course, gh, "tasks-api")
    first = gh.branches(template)["main"].sha
    publish(classroom.course, gh, "tasks-api")
    assert gh.branches(template)["main"].sha == first


def test_publish_commits_a_changed_starter(classroom: Classroom, tmp_path: Path) -> None:
    starter = tmp_path / "catalog" / "tasks-api" / "starter"
    starter.mkdir(parents=True)
    (starter / "README.md").write_text("v1\n")
    (starter / "__pycache__").mkdir()
    (starter / "__pycache__" / "x.pyc").write_bytes(b"\0")
    toml = classroom.course.root / "course.toml"
    text = toml.read_text()
    start = text.index("catalog = ")
    toml.write_text(
        text[:start] + f'catalog = "{starter.parents[1]}"' + text[text.index("\n", start) :]
    )
    course = load_course(classroom.course.root)
    assert tree_files(starter) == [Path("README.md")]
    gh = classroom.gateway()
    publish(course, gh, "tasks-api")
    first = gh.branches(f"{ORG}/tasks-api-template")["main"].sha
    (starter / "README.md").write_text("v2\n")
    publish(course, gh, "tasks-api")
    assert gh.branches(f"{ORG}/tasks-api-template")["main"].sha != first


def test_publish_dry_run_creates_nothing(classroom: Classroom) -> None:
    gh = classroom.gateway()
    publish(classroom.course, gh, "tasks-api", dry_run=True)
    assert gh.calls.writes == 0
    assert gh.repo(f"{ORG}/tasks-api-template") is None


def test_the_cli_runs_a_course_end_to_end(
    classroom: Classroom, capsys: pytest.CaptureFixture[str]
) -> None:
    course = ["--course", str(classroom.course.root)]
    assert main(["publish", "tasks-api", *course]) == 0
    assert main(["provision", "tasks-api", "--dry-run", *course]) == 0
    assert main(["provision", "tasks-api", *course]) == 0
    assert main(["collect", "tasks-api", *course]) == 0
    assert main(["lock", "tasks-api", "--dry-run", *course]) == 0
    printed = capsys.readouterr().out
    assert "provisioning summary" in printed and "not due" in printed
    assert (classroom.course.root / "grades-tasks-api.csv").is_file()
    assert classroom.token not in printed


def test_a_missing_token_is_a_user_error(
    classroom: Classroom, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("GITHUB_TOKEN")
    monkeypatch.setenv("PATH", "/nonexistent")  # no `gh` to ask either
    assert main(["publish", "tasks-api", "--course", str(classroom.course.root)]) == 2
    assert "GITHUB_TOKEN" in capsys.readouterr().err


def test_missing_scopes_counts_implied_ones() -> None:
    assert missing_scopes(["repo", "admin:org"], {"repo", "read:org", "workflow"}) == {"workflow"}
    assert missing_scopes(None, {"repo"}) == set()  # fine-grained tokens carry no scope header


def test_the_pacer_spaces_writes_and_caps_the_hour() -> None:
    now = [0.0]
    pacer = Pacer(60, 3, clock=lambda: now[0], sleep=lambda s: now.__setitem__(0, now[0] + s))
    waits = [pacer.wait() for _ in range(4)]
    assert waits == [0.0, 1.0, 1.0, 3598.0]


def test_a_long_wait_is_announced_before_it_starts_and_a_short_one_is_not() -> None:
    now, said = [0.0], []
    pacer = Pacer(
        60,
        2,
        clock=lambda: now[0],
        sleep=lambda s: now.__setitem__(0, now[0] + s),
        announce=lambda seconds, why: said.append((seconds, why, now[0])),
    )
    assert [pacer.wait() for _ in range(3)] == [0.0, 1.0, 3599.0]
    assert said == [(3599.0, "GitHub's limit of 2 writes an hour", 1.0)]  # before sleeping
    assert wait_notice(3599.0, said[0][1], now=1.0) == (
        "waiting 59 min 59 s (until 01:00 UTC) for GitHub's limit of 2 writes an hour; "
        "the command goes on by itself"
    )


def test_a_commands_gateway_announces_its_pacers_long_waits_too(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("CLASSROOM_PACING", raising=False)

    def say(seconds: float, why: str) -> None:
        del seconds, why

    gh = connect("http://127.0.0.1:9", per_minute=80, per_hour=500, token="t", announce=say)
    assert gh.pacer is not None and gh.pacer.announce is say and gh.announce is say


def test_the_modelled_time_follows_githubs_limits() -> None:
    assert modelled_seconds(1) == 0
    assert modelled_seconds(81) == 60
    assert modelled_seconds(501) == 3600
    assert format_duration(modelled_seconds(1400)) == "2 h 04 min"


ZOE = Learner(github_username="zoe", name="Zoe", email="zoe@example.edu", section="B")
HEAD = "github_username,name,email,section,team\n"


def test_a_learner_is_appended_to_a_roster_once() -> None:
    text = HEAD + "ada,Ada,ada@example.edu,A,"
    added = with_learner(text, ZOE)
    assert added == text + "\nzoe,Zoe,zoe@example.edu,B,\n"
    assert with_learner(added, ZOE.model_copy(update={"github_username": "ZOE"})) is None


def test_the_logins_a_roster_lacks_are_named_in_order() -> None:
    local = HEAD + "ada,Ada,ada@example.edu,A,\n"
    joined = HEAD + "zoe,Zoe,zoe@example.edu,B,\nADA,Ada,a@example.edu,A,\nyan,Yan,y@x.io,B,\n"
    assert missing_from(local, joined) == ["zoe", "yan"]
    assert missing_from(local, "") == []


def test_a_pacer_counts_the_last_runs_writes_still_in_githubs_hour() -> None:
    now = [5000.0]
    pacer = Pacer(60, 3, clock=lambda: now[0], sleep=lambda s: now.__setitem__(0, now[0] + s))
    pacer.remember([1000.0, 1500.0, 2000.0, 4990.0])  # 1000 is over an hour old
    assert pacer.recent() == [1500.0, 2000.0, 4990.0]
    assert pacer.wait() == 1500.0 + 3600 - 5000  # the hour's three writes are spent
