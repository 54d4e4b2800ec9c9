"""collect and lock against the real sandbox; the results channel round trip."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from github import Auth, Github
from rich.console import Console

from graders.report import GradeReport, StageResult, Submission
from orchestrator.commands.collect import COLUMNS, collect
from orchestrator.commands.lock import lock
from orchestrator.commands.provision import provision
from orchestrator.commands.publish import publish
from orchestrator.course import load_course
from orchestrator.grades_store import load_store
from orchestrator.results_channel import CHECK_NAME, check_run_output, embed, extract
from sandbox.records import Repo
from tests.orchestrator.conftest import ORG, Classroom, open_classroom
from tests.orchestrator.state import class_state


def quiet() -> Console:
    return Console(file=io.StringIO(), width=200)


def report(score: float, commit: str | None = None) -> GradeReport:
    stages = [
        StageResult(
            name="tests", status="passed", score=score, max_score=60, duration_seconds=1, message=""
        ),
        StageResult(
            name="lint", status="passed", score=10, max_score=10, duration_seconds=1, message=""
        ),
    ]
    return GradeReport(
        assignment="tasks-api",
        assignment_title="Tasks API",
        score=score + 10,
        max_score=70,
        submission=Submission(path=".", commit=commit),
        stages=stages,
        tool_versions={"pytest": "9"},
        grader_version="0.1.0",
        started_at=datetime(2030, 1, 1, tzinfo=UTC),
        duration_seconds=2,
    )


def grade_pushed(room: Classroom, login: str, score: float) -> None:
    """What the grading workflow does: a check run on main's tip carrying results.json."""
    full = f"{ORG}/tasks-api-{login}"
    sandbox = room.server.sandbox
    sha = sandbox.bare(full).resolve("refs/heads/main")
    token = sandbox.workflow_token(full, {"checks": "write"}).token
    bot = Github(
        base_url=room.url,
        auth=Auth.Token(token),
        retry=None,
        seconds_between_requests=0,
        seconds_between_writes=0,
    )
    bot.get_repo(full).create_check_run(
        name=CHECK_NAME,
        head_sha=sha,
        status="completed",
        conclusion="success",
        output=check_run_output(report(score, commit=None)),
    )


@pytest.fixture
def provisioned_class(classroom: Classroom) -> Classroom:
    gh = classroom.gateway()
    publish(classroom.course, gh, "tasks-api")
    assert provision(classroom.course, gh, "tasks-api", console=quiet()) == 0
    return classroom


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_the_results_block_round_trips_and_ignores_prose() -> None:
    original = report(42, commit="a" * 40)
    text = "## 52 / 70\nsome prose a learner sees\n\n" + embed(original)
    assert extract(text) == original
    assert extract("no block here") is None
    assert extract(text.replace("v1\n", "v1\nAAAA", 1)) is None  # corrupted data


def test_collect_writes_the_latest_grade_of_each_learner(provisioned_class: Classroom) -> None:
    room = provisioned_class
    grade_pushed(room, "school-learner-1", 30)
    grade_pushed(room, "school-learner-1", 50)  # a later grade of the same commit wins
    grade_pushed(room, "school-learner-2", 12)
    out = room.course.root / "out.csv"
    assert collect(room.course, room.gateway(), "tasks-api", out=out, console=quiet()) == 0
    rows = {r["github_username"]: r for r in read_csv(out)}
    assert list(read_csv(out)[0])[: len(COLUMNS)] == list(COLUMNS)
    assert rows["school-learner-1"]["points_awarded"] == "60"
    assert rows["school-learner-1"]["tests"] == "50"
    assert rows["school-learner-1"]["roster_identifier"] == "school-learner-1@example.edu"
    assert rows["school-learner-2"]["points_available"] == "70"
    assert rows["school-learner-3"]["points_awarded"] == ""
    store = load_store(room.course.root)
    assert [s.score for s in store.history("tasks-api", "school-learner-1")] == [60]


def test_an_unchanged_collect_stores_nothing_new(provisioned_class: Classroom) -> None:
    room = provisioned_class
    grade_pushed(room, "school-learner-1", 30)
    collect(room.course, room.gateway(), "tasks-api", console=quiet())
    console = quiet()
    gh = room.gateway()
    collect(room.course, gh, "tasks-api", console=console)
    assert isinstance(console.file, io.StringIO)
    assert "(0 new, 1 unchanged" in console.file.getvalue()
    assert gh.calls.writes == 0
    assert gh.calls.reads <= 1 + 3  # whoami and one read per learner
    assert len(load_store(room.course.root).history("tasks-api", "school-learner-1")) == 1


def _with_deadline(room: Classroom, deadline: datetime, extra: str = "") -> None:
    toml = room.course.root / "course.toml"
    text = toml.read_text()
    start = text.index("deadline = ")
    end = text.index("\n", start)
    stamp = deadline.strftime("%Y-%m-%dT%H:%M:%SZ")
    toml.write_text(text[:start] + f"deadline = {stamp}" + text[end:] + extra)


def test_lock_drops_due_learners_to_read_and_honours_extensions(
    provisioned_class: Classroom,
) -> None:
    room = provisioned_class
    now = datetime(2031, 1, 10, tzinfo=UTC)
    later = (now + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    _with_deadline(
        room,
        now - timedelta(hours=1),
        f'\n[assignments.tasks-api.extensions]\n"school-learner-2" = {later}\n',
    )
    course = load_course(room.course.root)
    assert lock(course, room.gateway(), "tasks-api", now=now, console=quiet()) == 0
    people = {name: s.people for name, s in class_state(room.server.sandbox, ORG).items()}
    assert people["tasks-api-school-learner-1"] == (("school-learner-1", "invited", "pull"),)
    assert people["tasks-api-school-learner-2"] == (("school-learner-2", "invited", "push"),)
    gh = room.gateway()
    lock(course, gh, "tasks-api", now=now, dry_run=True, console=quiet())
    assert gh.calls.writes == 0


def test_lock_in_archive_mode_archives_due_repositories(provisioned_class: Classroom) -> None:
    room = provisioned_class
    now = datetime(2031, 1, 10, tzinfo=UTC)
    _with_deadline(room, now - timedelta(minutes=1))
    toml = room.course.root / "course.toml"
    toml.write_text(toml.read_text().replace('lock = "read"', 'lock = "archive"'))
    course = load_course(room.course.root)
    assert lock(course, room.gateway(), "tasks-api", now=now, console=quiet()) == 0
    repos = {r.name: r.archived for r in room.server.sandbox.store.scan(Repo)}
    assert repos["tasks-api-school-learner-3"] is True
    assert repos["tasks-api-template"] is False


def test_an_unchanged_repository_costs_a_free_304_on_the_sandbox(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    room, close = open_classroom(tmp_path, 2, etags=True)
    try:
        monkeypatch.setenv("GITHUB_TOKEN", room.token)
        gh = room.gateway()
        publish(room.course, gh, "tasks-api")
        provision(room.course, gh, "tasks-api", console=quiet())
        grade_pushed(room, "school-learner-1", 30)
        collect(room.course, room.gateway(), "tasks-api", console=quiet())
        grade_pushed(room, "school-learner-2", 20)
        again = room.gateway()
        collect(room.course, again, "tasks-api", console=quiet())
        assert again.not_modified == 1  # learner 1 unchanged; learner 2 has a new grade
        store = load_store(room.course.root)
        assert len(store) == 2
        rows = {
            r["github_username"]: r for r in read_csv(room.course.root / "grades-tasks-api.csv")
        }
        assert rows["school-learner-1"]["points_awarded"] == "40"  # kept through the 304
    finally:
        close()
