"""`classroom join publish` against the real sandbox: the public front desk, its form, its
pinned workflow, the token as its secret, and the links it prints."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from classroom.cli import main
from orchestrator.commands.course_push import course_push
from orchestrator.commands.join_publish import join_publish
from orchestrator.commands.publish_grader import publish_grader
from orchestrator.course import load_course
from orchestrator.course_tree import SECRET_NAME
from orchestrator.gateway import GitHub
from sandbox.records import Secret
from tests.orchestrator.conftest import ORG, Classroom, with_two_repositories
from tests.orchestrator.desk import open_the_desk
from tests.orchestrator.repo_files import head_files, mirror

DESK = f"{ORG}/join"
FORM = ".github/ISSUE_TEMPLATE/join.yml"
WORKFLOW = ".github/workflows/join.yml"


@pytest.fixture
def course(classroom: Classroom) -> Classroom:
    """A course whose grading and course repositories are pushed (the desk needs both)."""
    room = with_two_repositories(
        classroom, assignments=("tasks-api", "bookings-api"), extra="\n[join]\n"
    )
    gh = room.gateway()
    assert publish_grader(room.course, gh) == 0
    assert course_push(room.course, gh) == 0
    return room


def desk_files(room: Classroom, tmp_path: Path, name: str = "desk") -> dict[str, bytes]:
    clone = mirror(f"{room.url}/{DESK}.git", room.token, tmp_path / "clones" / name)
    assert clone is not None
    return head_files(clone)


def fields(form: bytes) -> list[dict[str, object]]:
    return [f for f in yaml.safe_load(form)["body"] if f["type"] != "markdown"]


def test_join_publish_pushes_the_public_desk_and_prints_a_link_per_assignment(
    course: Classroom, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gh = course.gateway()
    assert join_publish(course.course, gh) == 0
    files = desk_files(course, tmp_path)
    assert set(files) == {FORM, ".github/ISSUE_TEMPLATE/config.yml", WORKFLOW, "README.md"}
    repo = gh.repo(DESK)
    assert repo is not None and not repo.private
    form = yaml.safe_load(files[FORM])
    assert form["name"] == "Join an assignment"
    [dropdown] = fields(files[FORM])
    assert dropdown["type"] == "dropdown" and dropdown["id"] == "assignment"
    assert dropdown["attributes"]["options"] == ["tasks-api", "bookings-api"]  # type: ignore[index]
    assert yaml.safe_load(files[".github/ISSUE_TEMPLATE/config.yml"]) == {
        "blank_issues_enabled": False
    }
    env = yaml.safe_load(files[WORKFLOW])["env"]
    grader_tip = gh.branches(f"{ORG}/classroom")["main"].sha
    assert env == {
        "GRADER_REPOSITORY": f"{ORG}/classroom",
        "GRADER_REF": grader_tip,
        "COURSE_REPOSITORY": f"{ORG}/course",
    }
    secret = course.server.sandbox.store.find(Secret, DESK, SECRET_NAME)
    assert secret is not None and secret.value == course.token
    printed = capsys.readouterr().out
    for slug in ("tasks-api", "bookings-api"):
        link = f"{course.url}/{DESK}/issues/new?template=join.yml&assignment={slug}"
        assert link in printed
        assert f"[join]({link})" in files["README.md"].decode()
    assert course.token not in printed


def test_an_unchanged_desk_makes_no_commit_and_keeps_the_secret(
    course: Classroom, capsys: pytest.CaptureFixture[str]
) -> None:
    join_publish(course.course, course.gateway())
    capsys.readouterr()
    again = course.gateway()
    assert join_publish(course.course, again) == 0
    assert again.calls.writes == 0
    printed = capsys.readouterr().out
    assert "unchanged, no new commit" in printed and "already set, kept" in printed


def test_open_enrolment_adds_the_section_code_to_the_form(
    course: Classroom, tmp_path: Path
) -> None:
    toml = course.course.root / "course.toml"
    settings = 'enrolment = "open"\nassignments = ["tasks-api"]\nsections = { A = "blue-heron-42" }'
    toml.write_text(toml.read_text().replace("\n[join]\n", f"\n[join]\n{settings}\n"))
    assert join_publish(load_course(course.course.root), course.gateway()) == 0
    files = desk_files(course, tmp_path)
    dropdown, code = fields(files[FORM])
    assert dropdown["attributes"]["options"] == ["tasks-api"]  # type: ignore[index]
    assert code["type"] == "input" and code["id"] == "section-code"
    assert code["attributes"]["label"] == "Section code"  # type: ignore[index]
    assert b"blue-heron-42" not in b"".join(files.values())  # the code stays private


def test_the_dry_run_writes_nothing_and_says_what_it_would_do(
    course: Classroom, capsys: pytest.CaptureFixture[str]
) -> None:
    gh = course.gateway()
    assert join_publish(course.course, gh, dry_run=True) == 0
    assert gh.calls.writes == 0 and gh.repo(DESK) is None
    printed = capsys.readouterr().out
    assert f"would create {DESK} (public) with 4 files" in printed
    assert f"secret {SECRET_NAME}: would be set" in printed
    assert "assignment=tasks-api" in printed


def test_the_desk_needs_its_table_and_the_grading_and_course_repositories(
    classroom: Classroom, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["join", "publish", "--course", str(classroom.course.root)]
    assert main(args) == 2
    assert "no [join] table, so the front desk is off" in capsys.readouterr().err
    open_the_desk(classroom.course.root)
    assert main(args) == 2
    assert "grading_repo: not set" in capsys.readouterr().err
    room = with_two_repositories(classroom, assignments=("tasks-api",))
    publish_grader(room.course, room.gateway())
    assert main(args) == 2
    assert "run `classroom course push` first" in capsys.readouterr().err
    assert room.gateway().repo(DESK) is None


def test_a_private_desk_is_refused(course: Classroom, capsys: pytest.CaptureFixture[str]) -> None:
    course.client().get_organization(ORG).create_repo("join", private=True)
    args = ["join", "publish", "--course", str(course.course.root)]
    assert main(args) == 2
    assert f"{DESK} is private: learners could not open issues there" in capsys.readouterr().err
    assert not GitHub(course.url, course.token).secret_exists(DESK, SECRET_NAME)
