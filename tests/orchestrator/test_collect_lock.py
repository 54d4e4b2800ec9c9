"""collect and lock against the real sandbox; the results channel round trip."""

from __future__ import annotations

import csv
import io
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from github import Auth, Github
from rich.console import Console

from basis.errors import UserError
from graders.model.report import Containment, GradeReport, StageResult, Submission, Tampering
from graders.stages import registry
from orchestrator.commands.collect import COLUMNS, LATE_COLUMNS, TIER_COLUMNS, collect, collect_all
from orchestrator.commands.lock import lock, lock_moment
from orchestrator.commands.provision import provision
from orchestrator.commands.publish import publish
from orchestrator.course import Course, CourseDir, load_course
from orchestrator.gateway import GatewayError, GitHub, GraphQLUnavailable
from orchestrator.gateway import graphql as graphql_gateway
from orchestrator.grades_store import load_store
from orchestrator.tiers import NO_REPORT, official_batch, plan_official, record_batch
from reporter.results_channel import CHECK_NAME, check_run_output, embed, extract
from sandbox.records import Repo
from tests.orchestrator.conftest import ORG, Classroom, open_classroom
from tests.orchestrator.state import class_state


def quiet() -> Console:
    return Console(file=io.StringIO(), width=200)


def report(score: float, commit: str | None = None, **changes: object) -> GradeReport:
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
    ).model_copy(update=changes)


def head(room: Classroom, login: str) -> str:
    return room.server.sandbox.bare(f"{ORG}/tasks-api-{login}").resolve("refs/heads/main")


def grade_pushed(room: Classroom, login: str, score: float, **changes: object) -> None:
    """What the grading workflow does: a check run on main's tip carrying results.json."""
    full = f"{ORG}/tasks-api-{login}"
    sandbox = room.server.sandbox
    sha = head(room, login)
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
        output=check_run_output(report(score, commit=None, **changes)),
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


def test_a_learner_locks_only_when_late_work_is_no_longer_accepted(tmp_path: Path) -> None:
    due = datetime(2031, 1, 10, 23, 59, tzinfo=UTC)
    spec = {"org": "school", "assignments": {"hw": {"deadline": due}}}

    def locks(**more: object) -> datetime | None:
        course = CourseDir(root=tmp_path, course=Course.model_validate({**spec, **more}))
        return lock_moment(course, "hw", "ada")

    assert locks() == due
    assert locks(late={"penalty_per_day": 10, "max_late_days": 2}) == due + timedelta(days=2)
    assert locks(late_days=3) == due + timedelta(days=3)  # no policy: the budget is the window


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


def test_an_unchanged_repository_costs_a_free_304_through_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    room, close = open_classroom(tmp_path, 2, etags=True)
    try:
        monkeypatch.setenv("GITHUB_TOKEN", room.token)
        gh = room.gateway()
        publish(room.course, gh, "tasks-api")
        provision(room.course, gh, "tasks-api", console=quiet())
        grade_pushed(room, "school-learner-1", 30)
        collect(room.course, room.gateway(), "tasks-api", console=quiet(), rest=True)
        grade_pushed(room, "school-learner-2", 20)
        again = room.gateway()
        collect(room.course, again, "tasks-api", console=quiet(), rest=True)
        assert again.calls.queries == 0
        assert again.not_modified == 1  # learner 1 unchanged; learner 2 has a new grade
        store = load_store(room.course.root)
        assert len(store) == 2
        rows = {
            r["github_username"]: r for r in read_csv(room.course.root / "grades-tasks-api.csv")
        }
        assert rows["school-learner-1"]["points_awarded"] == "40"  # kept through the 304
    finally:
        close()


def test_a_grade_from_a_learners_repository_is_practice_whatever_it_claims(
    provisioned_class: Classroom,
) -> None:
    room = provisioned_class
    forged = [Tampering(path="tests/test_tasks.py", change="changed")]
    grade_pushed(room, "school-learner-1", 60, tier="official", integrity=forged)

    collect(room.course, room.gateway(), "tasks-api", console=quiet())

    (stored,) = load_store(room.course.root).history("tasks-api", "school-learner-1")
    assert (stored.tier, stored.integrity) == ("practice", ())
    assert stored.repo_url.endswith(f"/{ORG}/tasks-api-school-learner-1")
    rows = {r["github_username"]: r for r in read_csv(room.course.root / "grades-tasks-api.csv")}
    assert rows["school-learner-1"]["tier"] == "practice"


def test_the_csv_gives_the_official_grade_first_with_its_tier_and_commit(
    provisioned_class: Classroom,
) -> None:
    room = provisioned_class
    grade_pushed(room, "school-learner-1", 60)  # practice 70 of 70
    grade_pushed(room, "school-learner-2", 12)  # practice 22 of 70
    collect(room.course, room.gateway(), "tasks-api", console=quiet())
    chosen = {f"school-learner-{n}": head(room, f"school-learner-{n}") for n in (1, 2, 3)}
    store = load_store(room.course.root)
    plan = plan_official(store, "tasks-api", chosen, grader_commit="c" * 40, reason="deadline")
    official = report(
        20,
        commit=chosen["school-learner-1"],
        tier="official",
        grader_commit="c" * 40,
        containment=Containment(level="full", network="none"),
    )
    lost = {"school-learner-3": "repository could not be fetched"}
    batch = official_batch(store, plan, {"school-learner-1": official},
                           attempted_at=datetime(2030, 1, 2, tzinfo=UTC), causes=lost)  # fmt: skip
    record_batch(room.course.root, batch)

    out = room.course.root / "out.csv"
    collect(room.course, room.gateway(), "tasks-api", out=out, console=quiet())

    table = read_csv(out)
    assert list(table[0]) == [*COLUMNS, *TIER_COLUMNS, *LATE_COLUMNS, *registry.names()]
    rows = {r["github_username"]: r for r in table}
    one, two, three = (rows[f"school-learner-{n}"] for n in (1, 2, 3))
    assert (one["points_awarded"], one["tier"], one["tests"]) == ("30", "official", "20")
    assert (one["graded_commit"], one["submission_timestamp"]) == (
        chosen["school-learner-1"], "2030-01-01T00:00:00Z")  # fmt: skip
    assert (two["points_awarded"], two["tier"]) == ("22", "practice")
    assert two["not_graded"] == NO_REPORT
    assert (three["points_awarded"], three["points_available"], three["tier"]) == ("", "", "")
    assert three["not_graded"] == "repository could not be fetched"  # never a 0


def test_a_store_that_lost_a_grade_gets_it_back_on_the_next_collect(
    provisioned_class: Classroom,
) -> None:
    room = provisioned_class
    grade_pushed(room, "school-learner-1", 30)
    collect(room.course, room.gateway(), "tasks-api", console=quiet())
    shutil.rmtree(room.course.root / "grades")

    collect(room.course, room.gateway(), "tasks-api", console=quiet())

    assert len(load_store(room.course.root).history("tasks-api", "school-learner-1")) == 1
    rows = {r["github_username"]: r for r in read_csv(room.course.root / "grades-tasks-api.csv")}
    assert rows["school-learner-1"]["points_awarded"] == "40"


class _GraphQLDown(GitHub):
    """A server that answers no GraphQL (an old Enterprise Server)."""

    def graphql(self, query: str, variables: dict[str, object]) -> tuple[dict, list]:
        del query, variables
        raise GraphQLUnavailable("this server has no GraphQL API")


class _OneRepositoryFails(GitHub):
    """GitHub's GraphQL answers every repository but the second of each query."""

    def graphql(self, query: str, variables: dict[str, object]) -> tuple[dict, list]:
        data, errors = super().graphql(query, variables)
        if "r1" in data:
            data["r1"] = None
            errors.append({"type": "SERVICE_UNAVAILABLE", "path": ["r1"], "message": "timeout"})
        return data, errors


class _FailsAfterFirstQuery(GitHub):
    """GitHub answers the first query, then keeps failing (an outage in the middle of a run)."""

    answered = 0

    def graphql(self, query: str, variables: dict[str, object]) -> tuple[dict, list]:
        if self.answered:
            raise GatewayError("GraphQL: GitHub kept failing; run the command again")
        self.answered += 1
        return super().graphql(query, variables)


def test_grades_read_before_an_outage_are_kept_and_the_next_run_reads_the_rest(
    provisioned_class: Classroom, monkeypatch: pytest.MonkeyPatch
) -> None:
    room = provisioned_class
    for index, login in enumerate(room.logins):
        grade_pushed(room, login, 10 * (index + 1))
    monkeypatch.setattr(graphql_gateway, "BATCH", 2)  # 3 learners: two queries
    with pytest.raises(GatewayError, match="2 new grade"):
        collect(room.course, _FailsAfterFirstQuery(room.url, room.token, backoff=0), "tasks-api")
    store = load_store(room.course.root)
    assert [len(store.history("tasks-api", x)) for x in room.logins] == [1, 1, 0]

    gh = room.gateway()
    console = quiet()
    assert collect(room.course, gh, "tasks-api", console=console) == 0
    store = load_store(room.course.root)
    assert [[s.score for s in store.history("tasks-api", x)] for x in room.logins] == [
        [20],
        [30],
        [40],
    ]  # each grade once: the first run's are not stored again
    assert isinstance(console.file, io.StringIO)
    assert "1 new, 2 unchanged" in console.file.getvalue()


def test_collect_reads_the_class_in_graphql_queries_of_up_to_100_repositories(
    provisioned_class: Classroom, monkeypatch: pytest.MonkeyPatch
) -> None:
    room = provisioned_class
    for index, login in enumerate(room.logins):
        grade_pushed(room, login, 10 * index)
    monkeypatch.setattr(graphql_gateway, "BATCH", 2)  # 3 learners: two queries
    gh = room.gateway()
    console = quiet()
    collect(room.course, gh, "tasks-api", console=console)
    assert gh.calls.queries == 2
    assert gh.calls.reads == 1  # whoami: no REST read of any repository
    assert gh.points >= 2
    store = load_store(room.course.root)
    assert [store.history("tasks-api", x)[-1].score for x in room.logins] == [10, 20, 30]
    assert isinstance(console.file, io.StringIO)
    assert "2 GraphQL queries" in console.file.getvalue()


def test_several_assignments_share_queries_and_each_gets_its_csv(
    provisioned_class: Classroom,
) -> None:
    room = provisioned_class
    grade_pushed(room, "school-learner-1", 30)
    toml = room.course.root / "course.toml"
    toml.write_text(toml.read_text() + '\n[assignments.bookings-api]\ntitle = "Bookings"\n')
    course = load_course(room.course.root)
    gh = room.gateway()
    collect_all(course, gh, ["tasks-api", "bookings-api"], console=quiet())
    assert gh.calls.queries == 1  # 6 repositories (3 not provisioned yet) in one query
    assert read_csv(course.root / "grades-tasks-api.csv")[0]["points_awarded"] == "40"
    assert [r["points_awarded"] for r in read_csv(course.root / "grades-bookings-api.csv")] == [
        "",
        "",
        "",
    ]


def test_a_repository_graphql_could_not_answer_is_read_through_rest(
    provisioned_class: Classroom,
) -> None:
    room = provisioned_class
    for login in room.logins:
        grade_pushed(room, login, 25)
    gh = _OneRepositoryFails(room.url, room.token, backoff=0)
    console = quiet()
    collect(room.course, gh, "tasks-api", console=console)
    assert gh.calls.queries == 1
    assert gh.calls.reads == 1 + 1  # whoami, and learner 2's check runs through REST
    store = load_store(room.course.root)
    assert all(store.history("tasks-api", x) for x in room.logins)
    assert isinstance(console.file, io.StringIO)
    assert "1 read through REST" in console.file.getvalue()


def test_without_graphql_every_repository_is_read_through_rest(
    provisioned_class: Classroom,
) -> None:
    room = provisioned_class
    grade_pushed(room, "school-learner-3", 12)
    gh = _GraphQLDown(room.url, room.token, backoff=0)
    collect(room.course, gh, "tasks-api", console=quiet())
    assert gh.calls.reads == 1 + 3
    assert load_store(room.course.root).history("tasks-api", "school-learner-3")[-1].score == 22


def test_collect_takes_several_slugs_on_the_command_line_and_one_out(
    provisioned_class: Classroom, tmp_path: Path
) -> None:
    from classroom.cli import main

    room = provisioned_class
    course = ["--course", str(room.course.root)]
    with pytest.raises(UserError, match="--out names one CSV"):
        collect_all(room.course, room.gateway(), ["tasks-api", "x"], out=tmp_path / "g.csv")
    assert main(["collect", "tasks-api", "--rest", *course]) == 0
