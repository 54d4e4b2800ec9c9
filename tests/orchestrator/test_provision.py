"""provision against the real sandbox: end state, idempotence, dry run, faults, rate limits."""

from __future__ import annotations

import io
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rich.console import Console

from classroom.cli import main
from orchestrator.commands.provision import needed_scopes, provision
from orchestrator.commands.publish import publish
from orchestrator.course import load_course
from orchestrator.gateway import GitHub, missing_scopes
from orchestrator.pacing import LONG_WAIT, Pacer
from orchestrator.plan import Observed, Options, Seat, Step, plan_seat
from orchestrator.write_log import recall, writes_recorded
from sandbox.config import Faults, RateLimits
from sandbox.context import Sandbox as SandboxState
from sandbox.records import Repo
from tests.orchestrator.conftest import ORG, Classroom, make_course, open_classroom
from tests.orchestrator.state import class_state, provisioned

ROOT = Path(__file__).resolve().parents[2]
TITLE = "Tasks API"
FIRST_MILESTONE = "Milestone 1 of 5: Lock the doors: accounts, ownership and input"


def quiet() -> Console:
    return Console(file=io.StringIO(), width=200)


def run_provision(room: Classroom, gh: GitHub, **options: object) -> tuple[int, str]:
    console = quiet()
    code = provision(room.course, gh, "tasks-api", console=console, **options)  # type: ignore[arg-type]
    assert isinstance(console.file, io.StringIO)
    return code, console.file.getvalue()


def expected(room: Classroom, logins: list[str] | None = None) -> dict[str, object]:
    return {f"tasks-api-{x}": provisioned((FIRST_MILESTONE,), x) for x in logins or room.logins}


@pytest.fixture
def published(classroom: Classroom) -> Classroom:
    publish(classroom.course, classroom.gateway(), "tasks-api")
    return classroom


def test_a_new_seat_gets_every_step_in_apply_order() -> None:
    seat = Seat("ada", "school/tasks-api-ada", ("ada",))
    every = Options(feedback=True, protect_branch=True)
    plan = plan_seat(seat, Observed(), TITLE, options=every)
    assert [s for s, _ in plan.steps] == [s for s in Step if s not in (Step.RULESET, Step.DEADLINE)]
    assert (Step.INVITE, "ada") in plan.steps


def test_by_default_a_new_seat_costs_three_writes() -> None:
    plan = plan_seat(Seat("ada", "school/tasks-api-ada", ("ada",)), Observed(), TITLE)
    assert plan.steps == (
        (Step.CREATE_REPO, ""),
        (Step.INVITE, "ada"),
        (Step.OPEN_ISSUE, ""),
    )


def test_provision_creates_each_learner_repository_complete(published: Classroom) -> None:
    gh = published.gateway()
    code, printed = run_provision(published, gh)
    assert code == 0, printed
    assert class_state(published.server.sandbox, ORG) == expected(published)
    assert "10 writes" in printed and "provisioning summary" in printed  # 3 x 3, 1 ruleset


def test_a_second_run_plans_nothing_and_writes_nothing(published: Classroom) -> None:
    run_provision(published, published.gateway())
    gh = published.gateway()
    code, printed = run_provision(published, gh)
    assert code == 0
    assert "nothing to do" in printed
    assert gh.calls.writes == 0


def test_dry_run_prints_the_plan_and_writes_nothing(published: Classroom) -> None:
    gh = published.gateway()
    code, printed = run_provision(published, gh, dry_run=True)
    assert code == 0
    assert gh.calls.writes == 0
    assert class_state(published.server.sandbox, ORG) == {}
    assert "tasks-api-school-learner-2: create repository" in printed
    assert "takes about" in printed


def test_only_provisions_the_named_learner(published: Classroom) -> None:
    run_provision(published, published.gateway(), only=["school-learner-2"])
    assert class_state(published.server.sandbox, ORG) == expected(published, ["school-learner-2"])


def test_a_half_provisioned_repository_is_completed(published: Classroom) -> None:
    gh = published.gateway()
    org, name = ORG, "tasks-api-school-learner-1"
    gh.generate(f"{ORG}/tasks-api-template", org, name, private=True)  # as if killed after this
    code, _ = run_provision(published, gh)
    assert code == 0
    assert class_state(published.server.sandbox, ORG) == expected(published)


def test_provision_refuses_an_unpublished_assignment(classroom: Classroom) -> None:
    with pytest.raises(Exception, match="classroom publish tasks-api"):
        run_provision(classroom, classroom.gateway())


def test_an_invalid_roster_stops_provision_before_any_call(published: Classroom) -> None:
    roster = published.course.roster_path
    roster.write_text(roster.read_text() + "not a user!,X,x@example.edu,A,\n")
    gh = published.gateway()
    with pytest.raises(Exception, match=r"roster.csv:5: github_username"):
        run_provision(published, gh)
    assert gh.calls.total == 0


def test_one_learners_failure_is_listed_and_the_others_finish(published: Classroom) -> None:
    published.server.sandbox.store.add(Repo(owner="someone-else", name="x"))  # unrelated noise
    roster = published.course.roster_path
    roster.write_text(roster.read_text() + "ghost-learner,Ghost,ghost@example.edu,A,\n")
    code, printed = run_provision(published, published.gateway())
    assert code == 1
    assert "failed school/tasks-api-ghost-learner" in printed
    state = class_state(published.server.sandbox, ORG)
    assert {k: v for k, v in state.items() if "ghost" not in k} == expected(published)


class ShiftedClock:
    """The sandbox's clock, moved forward by every wait instead of really waiting."""

    def __init__(self) -> None:
        self.sandbox: SandboxState | None = None
        self.waits: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        assert self.sandbox is not None
        self.sandbox.clock.advance(seconds)


@pytest.mark.slow
def test_fifty_learners_with_faults_and_the_secondary_limit_converge_with_no_duplicates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = ShiftedClock()  # waiting out the limit moves the sandbox's clock, not the test's
    room, close = open_classroom(
        tmp_path,
        50,
        faults=Faults(error_rate=0.05, seed=4),
        rate_limits=RateLimits(secondary_per_minute=30),
    )
    clock.sandbox = room.server.sandbox
    try:
        monkeypatch.setenv("GITHUB_TOKEN", room.token)
        gh = room.gateway(sleep=clock.sleep)
        publish(room.course, gh, "tasks-api")
        code, printed = run_provision(room, gh)
        assert code == 0, printed
        assert class_state(room.server.sandbox, ORG) == expected(room)
        assert len(room.server.sandbox.store.scan(Repo)) == 51
        assert gh.recovered > 0, "no write failed after taking effect: the test proves nothing"
        assert clock.waits, "the secondary limit was never hit: the test proves nothing"
    finally:
        close()


@pytest.mark.slow
def test_paced_writes_stay_under_the_secondary_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    room, close = open_classroom(tmp_path, 3, rate_limits=RateLimits(secondary_per_minute=1200))
    try:
        monkeypatch.setenv("GITHUB_TOKEN", room.token)
        limited: list[float] = []
        gh = room.gateway(pacer=Pacer(1100, 100_000), sleep=limited.append)
        publish(room.course, gh, "tasks-api")
        code, printed = run_provision(room, gh)
        assert code == 0, printed
        assert class_state(room.server.sandbox, ORG) == expected(room)
        assert not limited, "a paced run must never be answered 'secondary rate limit'"
    finally:
        close()


def test_a_rate_limited_write_waits_its_retry_after_and_is_not_duplicated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = ShiftedClock()
    room, close = open_classroom(tmp_path, 2, rate_limits=RateLimits(secondary_per_minute=2))
    clock.sandbox = room.server.sandbox
    try:
        monkeypatch.setenv("GITHUB_TOKEN", room.token)
        said: list[tuple[float, str]] = []
        gh = room.gateway(sleep=clock.sleep, announce=lambda s, why: said.append((s, why)))
        publish(room.course, gh, "tasks-api")
        code, printed = run_provision(room, gh)
        assert code == 0, printed
        assert class_state(room.server.sandbox, ORG) == expected(room)
        assert clock.waits and all(w >= 1 for w in clock.waits), "the limit was never hit"
        long = [w for w in clock.waits if w >= LONG_WAIT]
        assert long, "no wait was long enough to announce: the test proves nothing"
        assert said == [(w, "GitHub's rate limit (it asked to wait)") for w in long]
    finally:
        close()


@pytest.mark.slow
def test_a_killed_provision_converges_when_run_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    room, close = open_classroom(tmp_path, 20)
    try:
        monkeypatch.setenv("GITHUB_TOKEN", room.token)
        publish(room.course, room.gateway(), "tasks-api")
        env = {**os.environ, "CLASSROOM_PACING": "off", "PYTHONPATH": str(ROOT)}
        argv = [sys.executable, "-m", "classroom.cli", "provision", "tasks-api"]
        proc = subprocess.Popen(
            [*argv, "--course", str(room.course.root)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            _wait_for_repos(room, random.Random(7).randint(2, 8), timeout=60)
        finally:
            proc.kill()
            proc.wait(timeout=10)
        partial = class_state(room.server.sandbox, ORG)
        assert len(partial) > 0 and partial != expected(room), "killed too late to prove anything"
        code, printed = run_provision(room, room.gateway())
        assert code == 0, printed
        assert class_state(room.server.sandbox, ORG) == expected(room)
    finally:
        close()


def _wait_for_repos(room: Classroom, count: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while len(class_state(room.server.sandbox, ORG)) < count:
        assert time.monotonic() < deadline, "provision never started"
        time.sleep(0.05)


def test_a_run_whose_first_repositories_all_fail_stops_early(published: Classroom) -> None:
    ghosts = "".join(f"ghost-{i},Ghost,g{i}@example.edu,A,\n" for i in range(5))
    published.course.roster_path.write_text("github_username,name,email,section,team\n" + ghosts)
    code, printed = run_provision(published, published.gateway())
    assert code == 1
    assert printed.count("not attempted: the first 3 repositories all failed") == 2
    assert len(class_state(published.server.sandbox, ORG)) == 3


def test_a_group_assignment_gets_one_repository_per_team(published: Classroom) -> None:
    toml = published.course.root / "course.toml"
    toml.write_text(toml.read_text().replace("# group = true", "group = true"))
    rows = [
        "school-learner-1,A,a@example.edu,A,Red Team",
        "school-learner-2,B,b@example.edu,A,Red Team",
        "school-learner-3,C,c@example.edu,A,",
    ]
    published.course.roster_path.write_text(
        "github_username,name,email,section,team\n" + "\n".join(rows) + "\n"
    )
    room = Classroom(
        published.server, published.seeded, load_course(toml.parent), published.contract
    )
    code, printed = run_provision(room, room.gateway())
    assert code == 0, printed
    state = class_state(room.server.sandbox, ORG)
    assert sorted(state) == ["tasks-api-red-team", "tasks-api-school-learner-3"]
    assert [p[0] for p in state["tasks-api-red-team"].people] == [
        "school-learner-1",
        "school-learner-2",
    ]


def test_learner_repositories_may_use_the_course_grading_workflow(published: Classroom) -> None:
    gh = published.gateway()
    gh.create_repo(ORG, "classroom", private=True, template=False)
    toml = published.course.root / "course.toml"
    toml.write_text(
        toml.read_text().replace('# grading_repo = "classroom"', 'grading_repo = "classroom"')
    )
    room = Classroom(
        published.server, published.seeded, load_course(toml.parent), published.contract
    )
    assert room.course.course.grading_repo == "classroom"
    assert gh.actions_access(f"{ORG}/classroom") == "none"
    run_provision(room, room.gateway())
    assert gh.actions_access(f"{ORG}/classroom") == "organization"


def test_a_classic_token_needs_admin_org_only_for_the_org_ruleset(tmp_path: Path) -> None:
    course = make_course(tmp_path / "course", "http://127.0.0.1:9", ["ada"])
    assert course.course.repos.protection == "ruleset"  # the default
    assert missing_scopes(["repo"], needed_scopes(course)) == {"admin:org"}
    branch = course.course.repos.model_copy(update={"protection": "branch"})
    per_repo = course.model_copy(
        update={"course": course.course.model_copy(update={"repos": branch})}
    )
    assert missing_scopes(["repo"], needed_scopes(per_repo)) == set()


def test_a_run_records_its_writes_and_the_next_run_is_paced_from_them(
    published: Classroom,
) -> None:
    root = published.course.root
    with writes_recorded(root, published.gateway(pacer=Pacer(100_000, 100_000))) as first:
        code, printed = run_provision(published, first, only=[published.logins[0]])
    assert code == 0, printed
    made = recall(root, first.writer, time.time())
    assert len(made) == first.calls.writes > 0

    waited: list[float] = []  # the pacer's waits, recorded instead of slept
    pacer = Pacer(100_000, len(made), sleep=waited.append)  # this hour's writes are spent
    with writes_recorded(root, published.gateway(pacer=pacer)) as second:
        code, printed = run_provision(published, second, only=[published.logins[1]])
    assert code == 0, printed
    assert waited and waited[0] > 3000, "the second run did not count the first one's writes"


def test_provision_counts_the_writes_publish_made_just_before(
    classroom: Classroom, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The instructor's commands share the token's hour: `classroom publish` then
    `classroom provision` (the scale benchmark's one refused write was provision's 500th,
    with publish's writes unknown to its pacer)."""
    toml = classroom.course.root / "course.toml"
    toml.write_text(toml.read_text().replace("writes_per_minute = 80", "writes_per_minute = 60000"))
    assert "writes_per_minute = 60000" in toml.read_text()
    monkeypatch.delenv("CLASSROOM_PACING", raising=False)
    folder = ["--course", str(classroom.course.root)]
    writer = classroom.gateway().writer

    assert main(["publish", "tasks-api", *folder]) == 0
    by_publish = recall(classroom.course.root, writer, time.time())
    assert by_publish, "publish wrote nothing to the record"
    assert main(["provision", "tasks-api", *folder]) == 0
    after = recall(classroom.course.root, writer, time.time())
    assert after[: len(by_publish)] == by_publish  # provision's pacer started from them
    assert len(after) == len(by_publish) + 10  # 3 learners x 3 writes, 1 ruleset
