"""Provisioning with few writes: the org ruleset, the optional Feedback pull request, batched
reads, and a class spread over sittings."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from github import GithubException
from rich.console import Console

from orchestrator.commands.provision import provision
from orchestrator.commands.publish import publish
from orchestrator.course import load_course
from orchestrator.pacing import writes_within
from orchestrator.plan import Plan, Seat, SeatPlan, Step
from sandbox.records import Ruleset
from tests.orchestrator.conftest import ORG, Classroom, open_classroom
from tests.orchestrator.state import class_state, provisioned

FIRST_MILESTONE = "Milestone 1 of 5: Lock the doors: accounts, ownership and input"


def run(room: Classroom, **options: object) -> tuple[int, str, object]:
    console = Console(file=io.StringIO(), width=250)
    gh = room.gateway()
    code = provision(room.course, gh, "tasks-api", console=console, **options)  # type: ignore[arg-type]
    assert isinstance(console.file, io.StringIO)
    return code, console.file.getvalue(), gh


@pytest.fixture
def published(classroom: Classroom) -> Classroom:
    publish(classroom.course, classroom.gateway(), "tasks-api")
    return classroom


def setting(room: Classroom, line: str) -> None:
    """Change one `key = value` line of course.toml."""
    toml = room.course.root / "course.toml"
    key = line.split("=")[0].strip()
    lines = [line if x.startswith(f"{key} =") else x for x in toml.read_text().splitlines()]
    toml.write_text("\n".join(lines) + "\n")
    room.course = load_course(room.course.root)


def test_one_org_ruleset_protects_every_learner_repository_and_spares_the_template(
    published: Classroom,
) -> None:
    code, printed, _ = run(published)
    assert code == 0, printed
    [ruleset] = published.server.sandbox.store.scan(Ruleset, f"org:{ORG}")
    names = ruleset.conditions["repository_name"]
    assert (names["include"], names["exclude"]) == (["tasks-api-*"], ["tasks-api-template"])
    assert all(
        state.main_protected for state in class_state(published.server.sandbox, ORG).values()
    )
    learner = published.client(published.learner_token("school-learner-1"))
    repo = published.client().get_repo(f"{ORG}/tasks-api-school-learner-1")
    for invitation in learner.get_user().get_invitations():
        learner.get_user().accept_invitation(invitation)
    sha = repo.get_branch("main").commit.sha
    with pytest.raises(GithubException) as refused:
        learner.get_repo(repo.full_name).create_file("x.txt", "x", "x", branch="main")
    assert refused.value.status == 409 and sha == repo.get_branch("main").commit.sha
    template = published.client().get_repo(f"{ORG}/tasks-api-template")
    assert template.get_branch("main").protected is False


def test_the_ruleset_is_written_once_and_mended_when_changed(published: Classroom) -> None:
    run(published)
    _, printed, gh = run(published)
    assert "nothing to do" in printed and gh.calls.writes == 0  # type: ignore[attr-defined]
    store = published.server.sandbox.store
    [ruleset] = store.scan(Ruleset, f"org:{ORG}")
    store.save(ruleset.model_copy(update={"rules": [{"type": "deletion"}]}))
    _, printed, gh = run(published)
    assert "organization ruleset" in printed and gh.calls.writes == 1  # type: ignore[attr-defined]
    assert len(store.scan(Ruleset, f"org:{ORG}")[0].rules) == 3


def test_the_feedback_pull_request_is_there_when_the_course_asks_for_it(
    published: Classroom,
) -> None:
    setting(published, "feedback_pull_request = true")
    code, printed, _ = run(published)
    assert code == 0, printed
    assert "19 writes" in printed  # 3 x 6, and the ruleset
    want = {
        f"tasks-api-{x}": provisioned((FIRST_MILESTONE,), x, feedback=True)
        for x in published.logins
    }
    assert class_state(published.server.sandbox, ORG) == want


def test_branch_protection_per_repository_when_rulesets_are_off(published: Classroom) -> None:
    setting(published, 'protection = "branch"')
    code, printed, _ = run(published)
    assert code == 0 and "12 writes" in printed  # 3 x 4, no ruleset
    assert published.server.sandbox.store.scan(Ruleset, f"org:{ORG}") == []
    assert all(s.main_protected for s in class_state(published.server.sandbox, ORG).values())


def test_a_class_is_read_in_graphql_batches_and_invitations_only_where_needed(
    published: Classroom,
) -> None:
    roster = published.course.roster_path
    extra = "".join(f"ghost-{i},Ghost,g{i}@example.edu,A,\n" for i in range(2))
    run(published)
    roster.write_text(roster.read_text() + extra)  # 5 seats: more than a few, so a batch
    _, printed, gh = run(published, dry_run=True)
    assert gh.calls.queries == 1  # type: ignore[attr-defined]
    # whoami, template, the ruleset (list + get), and each learner's pending invitation
    assert gh.calls.reads == 1 + 1 + 2 + 3  # type: ignore[attr-defined]
    assert "tasks-api-ghost-0: create repository, invite ghost-0, assignment issue" in printed
    assert "tasks-api-school-learner-1" not in printed


def test_a_long_class_is_split_into_sittings_that_resume(tmp_path: Path) -> None:
    room, close = open_classroom(tmp_path, 5)
    try:
        publish(room.course, room.gateway(), "tasks-api")
        setting(room, "writes_per_minute = 60")
        setting(room, "writes_per_hour = 10")  # 9 a sitting, 1 kept in reserve
        code, printed, _ = run(room, hours=1)  # the ruleset and two learners: 7 of 9
        assert code == 0, printed
        assert len(class_state(room.server.sandbox, ORG)) == 2
        assert "3 are left for later runs (about 9 writes, 8 s of pacing: 2 more run(s)" in printed
        run(room, hours=1)
        run(room, hours=1)
        code, printed, _ = run(room, hours=1)
        assert "nothing to do" in printed
        assert len(class_state(room.server.sandbox, ORG)) == 5
    finally:
        close()


def test_a_sitting_takes_whole_seats_and_always_one() -> None:
    seats = tuple(
        SeatPlan(Seat(str(i), f"o/r{i}", (str(i),)), ((Step.CREATE_REPO, ""),) * 3)
        for i in range(4)
    )
    plan = Plan("a", seats, (Step.RULESET,))
    assert [len(plan.sitting(b).seats) for b in (0, 4, 6, 7, 100)] == [1, 1, 1, 2, 4]
    assert plan.sitting(7).later == 2
    assert writes_within(3600, 80, 500) == 500 and writes_within(59, 60, 500) == 59
