"""`classroom join answer` against the real sandbox, in-process: the desk's token is a
workflow token of the front desk (as GITHUB_TOKEN is), the instructor's provisions."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from rich.console import Console

from classroom.cli import main
from orchestrator.commands.course_push import course_push
from orchestrator.commands.join_answer import join_answer
from orchestrator.commands.publish import publish
from orchestrator.course import load_course
from orchestrator.frontdesk import ANSWER_MARK
from orchestrator.gateway import GitHub
from sandbox.context import BOT
from sandbox.records import Comment
from tests.orchestrator.conftest import ORG, Classroom
from tests.orchestrator.desk import answer_of, ask, form_body, open_the_desk, stranger
from tests.orchestrator.state import class_state, provisioned

DESK = f"{ORG}/join"
# tasks-api is a milestone assignment: provisioning opens its first milestone's issue.
FIRST_MILESTONE = "Milestone 1 of 5: Lock the doors: accounts, ownership and input"


@dataclass
class Desk:
    room: Classroom
    token: str  # the desk's workflow token, as GITHUB_TOKEN is in the desk's workflow

    def ask(self, who: str, body: str) -> int:
        token = self.room.learner_token(who) if who in self.room.logins else who
        return ask(self.room.url, token, DESK, body)

    def answer(self, **options: object) -> tuple[int, str, GitHub]:
        console = Console(file=io.StringIO(), width=200)
        instructor = self.room.gateway()
        desk = GitHub(self.room.url, self.token, backoff=0.0)
        course = load_course(self.room.course.root)
        code = join_answer(course, desk, instructor, DESK, console=console, **options)  # type: ignore[arg-type]
        assert isinstance(console.file, io.StringIO)
        return code, console.file.getvalue(), instructor

    def state(self, number: int):
        return answer_of(self.room.server.sandbox, DESK, number)

    def repos(self) -> dict[str, object]:
        return class_state(self.room.server.sandbox, ORG)


def open_desk(room: Classroom, settings: str = "") -> Desk:
    open_the_desk(room.course.root, settings)
    room.client().get_organization(ORG).create_repo("join", private=False, auto_init=True)
    token = room.server.sandbox.workflow_token(DESK, {"issues": "write"}).token
    return Desk(room, token)


@pytest.fixture
def desk(classroom: Classroom) -> Desk:
    """The course's tasks-api template published, and an empty front desk."""
    publish(classroom.course, classroom.gateway(), "tasks-api")
    return open_desk(classroom)


OPEN = 'enrolment = "open"\nsections = { B = "blue-heron-42" }\n'


@pytest.fixture
def open_enrolment(classroom: Classroom) -> Desk:
    """The same, with open enrolment: section B's code is blue-heron-42."""
    publish(classroom.course, classroom.gateway(), "tasks-api")
    return open_desk(classroom, OPEN)


def learner_repos(desk: Desk) -> set[str]:
    return {name for name in desk.repos() if name.startswith("tasks-api-")}


def test_a_learner_on_the_roster_gets_a_repository_an_invitation_and_the_link(
    desk: Desk,
) -> None:
    ada = desk.room.logins[0]
    number = desk.ask(ada, form_body("tasks-api"))
    code, printed, _ = desk.answer()
    assert code == 0, printed
    assert desk.repos()[f"tasks-api-{ada}"] == provisioned((FIRST_MILESTONE,), ada)  # invited, push
    answer = desk.state(number)
    assert (answer.state, answer.reason) == ("closed", "completed")
    [(author, body)] = answer.comments
    url = f"{desk.room.url}/{ORG}/tasks-api-{ada}"
    assert author == BOT and body.startswith(ANSWER_MARK)
    assert f"ready: {url}" in body and f"{url}/invitations" in body
    assert f"#{number}" in printed and "joined" in printed


def test_someone_not_on_the_roster_is_refused_and_nothing_is_created(desk: Desk) -> None:
    number = desk.ask(stranger(desk.room.server.sandbox), form_body("tasks-api"))
    code, _, instructor = desk.answer()
    assert code == 0
    assert learner_repos(desk) == set()
    assert instructor.calls.writes == 0
    answer = desk.state(number)
    assert (answer.state, answer.reason) == ("closed", "not_planned")
    assert "not on the course's roster" in answer.comments[0][1]
    assert "`stranger`" in answer.comments[0][1]


def test_a_second_request_gets_you_already_have_and_nothing_new(desk: Desk) -> None:
    ada = desk.room.logins[0]
    first = desk.ask(ada, form_body("tasks-api"))
    second = desk.ask(ada, form_body("tasks-api"))
    desk.answer()
    third = desk.ask(ada, form_body("tasks-api"))
    code, _, instructor = desk.answer()
    assert code == 0
    assert instructor.calls.writes == 0
    assert learner_repos(desk) == {f"tasks-api-{ada}"}
    assert "is ready" in desk.state(first).comments[0][1]
    for number in (second, third):
        answer = desk.state(number)
        assert (answer.state, answer.reason) == ("closed", "completed")
        assert "you already have a repository for **Tasks API**" in answer.comments[0][1]
        assert "invitation is still waiting" in answer.comments[0][1]


@pytest.mark.parametrize("body", ["please add me", "### Assignment\n\nbookings-api"])
def test_a_malformed_request_is_refused_with_the_form_link(desk: Desk, body: str) -> None:
    number = desk.ask(desk.room.logins[0], body)
    code, _, instructor = desk.answer()
    assert code == 0 and instructor.calls.writes == 0
    answer = desk.state(number)
    assert (answer.state, answer.reason) == ("closed", "not_planned")
    text = answer.comments[0][1]
    assert "could not read which assignment" in text
    assert f"{desk.room.url}/{DESK}/issues/new?template=join.yml" in text
    assert "bookings-api" not in text and "please" not in text  # nothing of theirs quoted


def test_an_assignment_past_its_deadline_is_closed_for_joining(desk: Desk) -> None:
    number = desk.ask(desk.room.logins[0], form_body("tasks-api"))
    code, _, instructor = desk.answer(now=datetime.now(UTC) + timedelta(days=30))
    assert code == 0 and instructor.calls.writes == 0
    assert learner_repos(desk) == set()
    assert (
        "**Tasks API** is closed for joining: its deadline was" in desk.state(number).comments[0][1]
    )


def test_a_failure_on_our_side_leaves_the_request_open_for_the_next_run(
    classroom: Classroom,
) -> None:
    desk = open_desk(classroom)  # the template is not published yet
    number = desk.ask(classroom.logins[0], form_body("tasks-api"))
    code, printed, _ = desk.answer()
    assert code == 1
    assert "is not a published template yet" in printed
    assert (desk.state(number).state, desk.state(number).comments) == ("open", ())
    publish(classroom.course, classroom.gateway(), "tasks-api")
    assert desk.answer()[0] == 0
    assert desk.state(number).state == "closed"
    assert "is ready" in desk.state(number).comments[0][1]


def test_an_answer_an_earlier_run_posted_is_not_posted_again(desk: Desk) -> None:
    number = desk.ask(desk.room.logins[0], form_body("tasks-api"))
    desk.answer(dry_run=True)
    sandbox = desk.room.server.sandbox
    sandbox.store.add(Comment(repo=DESK, number=number, user=BOT, body=f"{ANSWER_MARK}\nposted"))
    desk.answer()
    answer = desk.state(number)
    assert answer.state == "closed"
    assert [body for _, body in answer.comments] == [f"{ANSWER_MARK}\nposted"]


def test_a_dry_run_answers_nothing_and_creates_nothing(desk: Desk) -> None:
    number = desk.ask(desk.room.logins[0], form_body("tasks-api"))
    code, printed, instructor = desk.answer(dry_run=True)
    assert code == 0 and instructor.calls.writes == 0
    assert (desk.state(number).state, desk.state(number).comments) == ("open", ())
    assert "dry run" in printed and "joined" in printed


def test_open_enrolment_admits_a_code_holder_and_records_them_in_the_courses_roster(
    open_enrolment: Desk, capsys: pytest.CaptureFixture[str]
) -> None:
    desk = open_enrolment
    room = desk.room
    course = load_course(room.course.root)
    assert course_push(course, room.gateway()) == 0
    joined = desk.ask(stranger(room.server.sandbox, "zoe"), form_body("tasks-api", "BLUE-heron-42"))
    refused = desk.ask(stranger(room.server.sandbox, "mallory"), form_body("tasks-api", "x"))
    assert desk.answer()[0] == 0
    assert learner_repos(desk) == {"tasks-api-zoe"}
    assert "is ready" in desk.state(joined).comments[0][1]
    assert "not a section code of this course" in desk.state(refused).comments[0][1]
    joined_csv = room.gateway().file_text(f"{ORG}/course", "joined.csv")
    assert joined_csv is not None
    assert joined_csv[0] == (
        "github_username,name,email,section,team\nzoe,zoe,zoe@users.noreply.github.com,B,\n"
    )
    capsys.readouterr()
    assert course_push(course, room.gateway()) == 0
    assert (
        "1 learner(s) joined at the front desk and are not in this folder's roster yet (zoe)"
        in (capsys.readouterr().out)
    )
    assert room.gateway().file_text(f"{ORG}/course", "joined.csv") == joined_csv  # left alone


def test_a_learner_the_desk_enrolled_needs_no_code_the_next_time(open_enrolment: Desk) -> None:
    desk = open_enrolment
    room = desk.room
    (room.course.root / "joined.csv").write_text(
        "github_username,name,email,section,team\nzoe,zoe,zoe@users.noreply.github.com,B,\n"
    )
    number = desk.ask(stranger(room.server.sandbox, "zoe"), form_body("tasks-api"))
    assert desk.answer()[0] == 0
    assert "is ready" in desk.state(number).comments[0][1]
    assert learner_repos(desk) == {"tasks-api-zoe"}


def test_without_a_join_table_the_desk_is_closed_for_everyone(desk: Desk) -> None:
    toml = desk.room.course.root / "course.toml"
    toml.write_text(toml.read_text().replace("\n[join]\n", "\n"))
    number = desk.ask(desk.room.logins[0], form_body("tasks-api"))
    code, _, instructor = desk.answer()
    assert code == 0 and instructor.calls.writes == 0
    assert "is closed for joining" in desk.state(number).comments[0][1]


def test_the_command_line_reads_both_tokens_from_the_environment(
    desk: Desk, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    number = desk.ask(desk.room.logins[1], form_body("tasks-api"))
    args = ["join", "answer", "--course", str(desk.room.course.root), "--desk", DESK]
    monkeypatch.setenv("GITHUB_TOKEN", desk.token)
    monkeypatch.delenv("CLASSROOM_TOKEN", raising=False)
    assert main(args) == 2
    assert "CLASSROOM_TOKEN is not set" in capsys.readouterr().err
    monkeypatch.setenv("CLASSROOM_TOKEN", desk.room.token)
    assert main(args) == 0
    assert desk.state(number).state == "closed"
    assert desk.room.server.sandbox.repo(f"{ORG}/tasks-api-{desk.room.logins[1]}") is not None
    printed = capsys.readouterr()
    assert desk.token not in printed.out + printed.err
    assert desk.room.token not in printed.out + printed.err


def test_both_tokens_writes_are_paced_under_the_secondary_limit(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, GitHub] = {}

    def record(_course: object, desk_gh: GitHub, instructor: GitHub, *_: object, **__: object):
        seen.update(desk=desk_gh, instructor=instructor)
        return 0

    monkeypatch.setattr("orchestrator.commands.join_answer.join_answer", record)
    monkeypatch.delenv("CLASSROOM_PACING", raising=False)
    monkeypatch.setenv("GITHUB_TOKEN", desk.token)
    monkeypatch.setenv("CLASSROOM_TOKEN", desk.room.token)
    assert main(["join", "answer", "--course", str(desk.room.course.root), "--desk", DESK]) == 0
    pacers = [seen["desk"].pacer, seen["instructor"].pacer]
    assert all(p is not None and p.interval == 60 / 80 for p in pacers)  # course.toml's 80/min
    assert pacers[0] is not pacers[1]  # one limit per identity, as GitHub counts them
