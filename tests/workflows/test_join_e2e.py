"""The front desk end to end on the sandbox: learners open "Join an assignment" issues on the
public desk, its real workflow runs through act (installing classroom from the grading
repository at its pinned commit, reading the course from the private course repository) and
answers each: a repository, an invitation and the link, or a refusal that creates nothing.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from classroom.sandbox_story import runner_env
from orchestrator.commands.course_push import course_push
from orchestrator.commands.join_publish import join_publish
from orchestrator.commands.publish import publish
from orchestrator.commands.publish_grader import publish_grader
from orchestrator.course import CourseDir, load_course
from orchestrator.gateway import GitHub
from orchestrator.roster import Learner, write_roster
from sandbox.config import SandboxConfig
from sandbox.context import BOT
from sandbox.records import Invitation, Repo, WorkflowRun
from sandbox.seeding import SeedResult, seed
from sandbox.server import ThreadedServer, free_port
from tests.conftest import NOTES_ASSIGNMENT, SHARED_CACHE
from tests.orchestrator.desk import Answer, answer_of, ask, form_body
from tests.sandbox.contract import ContractChecker, ContractLog
from tests.sandbox.harness import validate_event_payloads

ORG = "school"
DESK = f"{ORG}/join"
SLUG = "notes"  # its starter has no workflow: provisioning starts no grading run
ON_ROSTER = 33  # learners 1-3 for single requests, 4-33 for the burst of 30
BURST = range(4, 34)
STRANGER = 34  # seeded, but on no roster


@dataclass
class Desk:
    server: ThreadedServer
    seeded: SeedResult
    course: CourseDir
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return self.server.url

    def login(self, n: int) -> str:
        return f"{ORG}-learner-{n}"

    def token(self, n: int) -> str:
        return self.seeded.learners[n - 1].token

    def ask(self, n: int, body: str) -> int:
        return ask(self.url, self.token(n), DESK, body)

    def settle(self, timeout: float = 600) -> float:
        started = time.monotonic()
        runner = self.server.sandbox.runner
        assert runner is not None and runner.wait_idle(timeout)
        return time.monotonic() - started

    def answer(self, number: int) -> Answer:
        return answer_of(self.server.sandbox, DESK, number)

    def repos(self) -> list[str]:
        return [r.name for r in self.server.sandbox.store.scan(Repo) if r.name.startswith(SLUG)]

    def invited(self, n: int) -> list[str]:
        return [
            i.repo for i in self.server.sandbox.store.scan(Invitation) if i.invitee == self.login(n)
        ]

    def runs(self) -> list[WorkflowRun]:
        return [r for r in self.server.sandbox.store.scan(WorkflowRun) if r.repo == DESK]

    def run_log(self) -> str:
        logs = self.server.sandbox.config.logs_dir
        return "\n".join((logs / f"{r.id}.log").read_text()[-3000:] for r in self.runs())


def make_course(work: Path, url: str) -> CourseDir:
    """A course of one small assignment, its roster learners 1-33, both repositories named."""
    catalog = work / "catalog"
    shutil.copytree(NOTES_ASSIGNMENT, catalog / SLUG)
    root = work / "course"
    root.mkdir()
    (root / "course.toml").write_text(
        f'org = "{ORG}"\napi_url = "{url}"\ncatalog = "{catalog}"\n'
        'grading_repo = "classroom"\ncourse_repo = "course"\n'
        f'\n[join]\n\n[assignments.{SLUG}]\ntitle = "Notes service"\n'
    )
    logins = [f"{ORG}-learner-{n}" for n in range(1, ON_ROSTER + 1)]
    write_roster(
        root / "roster.csv",
        [Learner(github_username=x, name=x, email=f"{x}@example.edu") for x in logins],
    )
    return load_course(root)


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desk]:
    """A published front desk; its workflow runs through act without write pacing."""
    contract = ContractLog()
    work = tmp_path_factory.mktemp("join")
    env = runner_env(SHARED_CACHE) | {"CLASSROOM_PACING": "off"}
    config = SandboxConfig(data=work / "sandbox", port=free_port(), runner_env=env)
    server = ThreadedServer.open(config, wrap=lambda app: ContractChecker(app, contract)).start()
    try:
        seeded = seed(server.sandbox, ORG, STRANGER, server.url)
        course = make_course(work, server.url)
        gh = GitHub(server.url, seeded.instructor.token, backoff=0.05)
        for step in (publish_grader, course_push, join_publish):
            assert step(course, gh) == 0
        assert publish(course, gh, SLUG) == 0
        room = Desk(server, seeded, course)
        room.settle(120)
        yield room
        room.settle(120)
        assert all(validate_event_payloads(server.sandbox).values())
    finally:
        server.stop()
    assert not contract.violations, contract.violations[:3]


@pytest.fixture(scope="module")
def singles(desk: Desk) -> dict[str, int]:
    """Five requests opened one after the other, answered by the runs they start: learner 1,
    learner 2 twice, someone on no roster, and learner 3 with a body of their own."""
    numbers = {
        "first": desk.ask(1, form_body(SLUG)),
        "learner 2": desk.ask(2, form_body(SLUG)),
        "learner 2 again": desk.ask(2, form_body(SLUG)),
        "stranger": desk.ask(STRANGER, form_body(SLUG)),
        "malformed": desk.ask(3, "please give me the notes repository"),
    }
    desk.timings["five requests"] = desk.settle()
    return numbers


@pytest.mark.slow
def test_a_learner_on_the_roster_joins_within_the_run(desk: Desk, singles: dict[str, int]) -> None:
    answer = desk.answer(singles["first"])
    assert (answer.state, answer.reason) == ("closed", "completed"), desk.run_log()
    repo = f"{ORG}/{SLUG}-{desk.login(1)}"
    assert desk.invited(1) == [repo]
    [(author, body)] = answer.comments
    assert author == BOT
    assert f"ready: {desk.url}/{repo}" in body and f"{desk.url}/{repo}/invitations" in body
    first_run = min((r for r in desk.runs() if r.event == "issues"), key=lambda r: r.id)
    assert first_run.conclusion == "success" and first_run.actor == desk.login(1)


@pytest.mark.slow
def test_someone_not_on_the_roster_is_refused_and_nothing_is_created(
    desk: Desk, singles: dict[str, int]
) -> None:
    answer = desk.answer(singles["stranger"])
    assert (answer.state, answer.reason) == ("closed", "not_planned"), desk.run_log()
    assert "not on the course's roster" in answer.comments[0][1]
    assert f"{SLUG}-{desk.login(STRANGER)}" not in desk.repos()
    assert desk.invited(STRANGER) == []


@pytest.mark.slow
def test_a_second_request_gets_you_already_have_and_nothing_new(
    desk: Desk, singles: dict[str, int]
) -> None:
    assert "is ready" in desk.answer(singles["learner 2"]).comments[0][1]
    answer = desk.answer(singles["learner 2 again"])
    assert (answer.state, answer.reason) == ("closed", "completed"), desk.run_log()
    assert "you already have a repository for **Notes service**" in answer.comments[0][1]
    assert desk.repos().count(f"{SLUG}-{desk.login(2)}") == 1
    assert len(desk.invited(2)) == 1


@pytest.mark.slow
def test_a_malformed_request_is_refused(desk: Desk, singles: dict[str, int]) -> None:
    answer = desk.answer(singles["malformed"])
    assert (answer.state, answer.reason) == ("closed", "not_planned"), desk.run_log()
    assert "could not read which assignment" in answer.comments[0][1]
    assert f"{SLUG}-{desk.login(3)}" not in desk.repos()


@pytest.mark.slow
@pytest.mark.usefixtures("singles")  # after them: the burst is the only traffic
def test_thirty_requests_at_once_all_get_exactly_one_repository(desk: Desk) -> None:
    runs_before = {r.id for r in desk.runs()}
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=10) as pool:
        asked = pool.map(lambda n: desk.ask(n, form_body(SLUG)), BURST)
        numbers = dict(zip(BURST, asked, strict=True))
    desk.settle()
    desk.timings["30 requests"] = time.monotonic() - started
    for n, number in numbers.items():
        answer = desk.answer(number)
        assert (answer.state, answer.reason) == ("closed", "completed"), (n, desk.run_log())
        assert len(answer.comments) == 1 and "is ready" in answer.comments[0][1]
        assert desk.invited(n) == [f"{ORG}/{SLUG}-{desk.login(n)}"]
    repos = desk.repos()
    assert len(repos) == len(set(repos))  # no duplicate
    assert {f"{SLUG}-{desk.login(n)}" for n in BURST} <= set(repos)  # none lost
    burst_runs = [r for r in desk.runs() if r.id not in runs_before]
    conclusions = sorted(r.conclusion or "" for r in burst_runs)
    assert set(conclusions) <= {"success", "cancelled"}, desk.run_log()
    desk.timings["burst runs"] = len(burst_runs)
    desk.timings["burst runs that ran"] = conclusions.count("success")
    print(f"\nfront desk timings: {desk.timings}")
