"""A real sandbox server, an org with learners, and a course folder that points at it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from github import Auth, Github

from orchestrator.commands.init import init
from orchestrator.course import CourseDir, load_course
from orchestrator.gateway import GitHub
from orchestrator.roster import Learner, write_roster
from sandbox.config import Faults, RateLimits
from sandbox.seeding import SeedResult, seed
from sandbox.server import ThreadedServer
from tests.conftest import ROOT
from tests.sandbox.conftest import start, stop
from tests.sandbox.contract import ContractLog

ORG = "school"


@dataclass
class Classroom:
    """A running sandbox with an org, its instructor and learners, and a course folder."""

    server: ThreadedServer
    seeded: SeedResult
    course: CourseDir
    contract: ContractLog

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def token(self) -> str:
        return self.seeded.instructor.token

    def gateway(self, **options: object) -> GitHub:
        """The instructor's gateway: no pacing, no backoff sleeps (tests must be fast)."""
        options.setdefault("backoff", 0.0)
        return GitHub(self.url, self.token, **options)  # type: ignore[arg-type]

    def client(self, token: str | None = None) -> Github:
        """PyGithub as the instructor (or as `token`), without client-side throttling."""
        return Github(
            base_url=self.url,
            auth=Auth.Token(token or self.token),
            seconds_between_requests=0,
            seconds_between_writes=0,
        )

    def learner_token(self, login: str) -> str:
        return next(p.token for p in self.seeded.learners if p.login == login)

    @property
    def logins(self) -> list[str]:
        return [p.login for p in self.seeded.learners]


def make_course(root: Path, url: str, logins: list[str], extra: str = "") -> CourseDir:
    """`classroom init` output pointed at `url`, with `logins` as the roster."""
    init(root, org=ORG, api_url=url)
    if extra:
        with (root / "course.toml").open("a", encoding="utf-8") as toml:
            toml.write(extra)
    learners = [
        Learner(github_username=x, name=f"Learner {x}", email=f"{x}@example.edu", section="A")
        for x in logins
    ]
    write_roster(root / "roster.csv", learners)
    return load_course(root)


def open_classroom(
    tmp_path: Path,
    learners: int,
    *,
    faults: Faults | None = None,
    rate_limits: RateLimits | None = None,
    etags: bool = False,
) -> tuple[Classroom, Callable[[], None]]:
    contract = ContractLog()
    server = start(tmp_path / "data", contract, faults=faults, rate_limits=rate_limits, etags=etags)
    seeded = seed(server.sandbox, ORG, learners, server.url)
    course = make_course(tmp_path / "course", server.url, [p.login for p in seeded.learners])
    return Classroom(server, seeded, course, contract), lambda: stop(server)


@pytest.fixture
def classroom(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Classroom]:
    """Three learners, no faults; the server's bodies are checked against GitHub's schema."""
    room, close = open_classroom(tmp_path, 3)
    monkeypatch.setenv("GITHUB_TOKEN", room.token)
    monkeypatch.delenv("GITHUB_API_URL", raising=False)
    monkeypatch.setenv("CLASSROOM_PACING", "off")
    yield room
    close()
    assert not room.contract.violations, room.contract.violations[:3]


# Every assignment of the catalog: a new one is published, provisioned and checked like the rest.
ALL_ASSIGNMENTS = tuple(
    sorted(path.parent.name for path in (ROOT / "templates").glob("*/assignment.toml"))
)
GRADING_REPO = "classroom"


def with_two_repositories(
    room: Classroom,
    *,
    catalog: Path | None = None,
    assignments: tuple[str, ...] = ALL_ASSIGNMENTS,
    extra: str = "",
) -> Classroom:
    """The room's course with `grading_repo` set, `assignments` listed and `catalog` used."""
    toml = room.course.root / "course.toml"
    text = toml.read_text().replace(
        f'# grading_repo = "{GRADING_REPO}"', f'grading_repo = "{GRADING_REPO}"'
    )
    if catalog is not None:
        start = text.index("catalog = ")
        text = text[:start] + f'catalog = "{catalog}"' + text[text.index("\n", start) :]
    tables = "".join(
        f"\n[assignments.{s}]\n" for s in assignments if f"[assignments.{s}]" not in text
    )
    toml.write_text(text + tables + extra)
    course = load_course(toml.parent)
    assert course.course.grading_repo == GRADING_REPO, "course.toml's grading_repo line moved"
    return Classroom(room.server, room.seeded, course, room.contract)
