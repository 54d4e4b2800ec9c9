"""A class on the sandbox ready for official grading: the two repositories pushed, one
assignment published and provisioned, every learner's work merged into their `main`."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from uuid import uuid4

from rich.console import Console

from classroom.sandbox_story import ORG, Story, push_course, push_grader, runner_env
from orchestrator.commands.init import init
from orchestrator.commands.provision import provision
from orchestrator.commands.publish import publish
from orchestrator.course import CourseDir, load_course
from orchestrator.roster import Learner, write_roster
from orchestrator.treesync import SKIPPED
from sandbox.config import SandboxConfig
from sandbox.seeding import Person, seed
from sandbox.server import ThreadedServer, free_port
from tests.conftest import SHARED_CACHE
from tests.orchestrator.repo_files import git, head_files, mirror
from tests.sandbox.contract import ContractChecker, ContractLog

RUN_TIMEOUT = 1500  # seconds: a class of six on tasks-api took 8 to 14 minutes on two cores


@dataclass
class OfficialClass:
    """A running sandbox with a provisioned class of one assignment."""

    story: Story
    slug: str
    contract: ContractLog

    @property
    def course(self) -> CourseDir:
        assert self.story.course is not None
        return self.story.course

    @property
    def learners(self) -> list[Person]:
        return list(self.story.seeded.learners)

    def repo_of(self, person: Person) -> str:
        return f"{ORG}/{self.slug}-{person.login}"

    def submit(
        self,
        person: Person,
        files: dict[str, str | None],
        branch: str = "work",
        dated: str | None = None,
    ) -> str:
        """`files` pushed on a branch, then merged into `main` by the learner; main's head.
        `dated` (ISO 8601) forges the commit's author and committer dates."""
        clone = self.story.work / "clones" / person.login
        if not clone.exists():
            url = f"{self.story.url}/{self.repo_of(person)}.git"
            git("clone", "-q", url, str(clone), cwd=self.story.work, token=person.token)
        git("fetch", "-q", "origin", cwd=clone, token=person.token)  # main moves by merges
        git("checkout", "-q", "-B", branch, "origin/main", cwd=clone)
        for name, text in files.items():
            path = clone / name
            if text is None:
                path.unlink(missing_ok=True)
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
        git("add", "-A", cwd=clone)
        forged = {"GIT_AUTHOR_DATE": dated, "GIT_COMMITTER_DATE": dated} if dated else None
        git("-c", "user.name=Learner", "-c", "user.email=l@example.edu", "commit", "-qm", "My work",
            cwd=clone, env=forged)  # fmt: skip
        git("push", "-q", "-f", "origin", branch, cwd=clone, token=person.token)
        repo = self.story.client(person).get_repo(self.repo_of(person))
        pull = repo.create_pull(title="My work", body="Done.", head=branch, base="main")
        assert pull.merge().merged
        return repo.get_branch("main").commit.sha

    def commit_dates(self, person: Person) -> tuple[str, str]:
        """The author and committer dates of the head of `person`'s branch in their clone."""
        clone = self.story.work / "clones" / person.login
        author, committer = git("log", "-1", "--format=%aI %cI", cwd=clone).split()
        return author, committer

    def course_files(self, tmp: Path, ref: str = "HEAD") -> dict[str, bytes]:
        """The course repository's files at `ref` (a fresh mirror clone under `tmp`)."""
        url = f"{self.story.url}/{ORG}/course.git"
        clone = mirror(url, self.story.seeded.instructor.token, tmp / f"course-{uuid4().hex[:8]}")
        assert clone is not None
        return head_files(clone, ref)

    def store_lines(self, tmp: Path) -> dict[str, list[dict[str, object]]]:
        """The course repository's grades store: path -> its lines, parsed."""
        return {
            name: [json.loads(line) for line in data.decode().splitlines() if line.strip()]
            for name, data in self.course_files(tmp).items()
            if name.startswith("grades/") and name.endswith(".jsonl")
        }


def files_of(folder: Path) -> dict[str, str | None]:
    """Every file under `folder` (caches left out), as `submit` takes them."""
    return {
        p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(folder.rglob("*"))
        if p.is_file()
        and not SKIPPED.intersection(p.relative_to(folder).parts)
        and p.suffix != ".pyc"
    }


@contextmanager
def official_class(
    work: Path,
    assignment: Path,
    learners: int,
    *,
    concurrent: int = 2,
    release: str = "now",
) -> Iterator[OfficialClass]:
    """A class of `learners` on the assignment folder `assignment`, up to official grading."""
    contract = ContractLog()
    with _sandbox(work, learners, contract) as story:
        slug = assignment.name
        story.course = _course(story, assignment, concurrent=concurrent, release=release)
        push_grader(story)
        push_course(story)
        gh = story.instructor
        quiet = Console(quiet=True)
        assert publish(story.course, gh, slug) == 0
        assert provision(story.course, gh, slug, console=quiet) == 0
        for person in story.seeded.learners:
            me = story.client(person).get_user()
            for invitation in me.get_invitations():
                me.accept_invitation(invitation)
        assert story.wait_for_runs(120)
        yield OfficialClass(story, slug, contract)
    assert not contract.violations, contract.violations[:3]


@contextmanager
def _sandbox(work: Path, learners: int, contract: ContractLog) -> Iterator[Story]:
    """A started sandbox whose runs may take RUN_TIMEOUT (a class graded officially)."""
    config = SandboxConfig(
        data=work / "sandbox",
        port=free_port(),
        run_timeout=RUN_TIMEOUT,
        runner_env=runner_env(SHARED_CACHE),
    )
    wrap = lambda app: ContractChecker(app, contract)  # noqa: E731
    server = ThreadedServer.open(config, wrap=wrap).start()  # type: ignore[arg-type]
    try:
        yield Story(server, seed(server.sandbox, ORG, learners, server.url), work)
    finally:
        server.stop()


def _no_practice_runs(starter: Path) -> None:
    """The learners' practice workflow runs only when dispatched: these tests are about the
    official grade, and practice runs would only cost time (the same file goes to the
    grading repository and the template, so nothing differs from what the grade restores)."""
    workflow = starter / ".github" / "workflows" / "classroom.yml"
    if workflow.is_file():
        text = workflow.read_text(encoding="utf-8")
        workflow.write_text(text.replace("  push:\n  pull_request:\n", "  workflow_dispatch:\n"))


def _course(story: Story, assignment: Path, *, concurrent: int, release: str) -> CourseDir:
    slug = assignment.name
    catalog = story.work / "catalog"
    shutil.copytree(assignment, catalog / slug, ignore=shutil.ignore_patterns("__pycache__"))
    _no_practice_runs(catalog / slug / "starter")
    root = story.work / "course"
    init(root, org=ORG, api_url=story.url)
    toml = root / "course.toml"
    text = toml.read_text(encoding="utf-8")
    text = text.replace('# grading_repo = "classroom"', 'grading_repo = "classroom"')
    text = text.replace('release = "after-deadline"', f'release = "{release}"')
    text = text.replace("concurrent_jobs = 20", f"concurrent_jobs = {concurrent}")
    text = text.replace("[assignments.tasks-api]", f"[assignments.{slug}]")
    text = text.replace('title = "Tasks API"', f'title = "{slug} (official)"')
    text = "\n".join(
        f'catalog = "{catalog}"' if line.startswith("catalog = ") else line
        for line in text.splitlines()
    )
    toml.write_text(text + "\n", encoding="utf-8")
    people = [
        Learner(github_username=p.login, name=p.login, email=f"{p.login}@example.edu", section="A")
        for p in story.seeded.learners
    ]
    write_roster(root / "roster.csv", people)
    course = load_course(root)
    assert course.course.official.concurrent_jobs == concurrent
    return course
