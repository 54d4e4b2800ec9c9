"""A whole class on the sandbox, step by step: what `make demo` shows and the e2e test checks.

Start a local GitHub, seed an organization with learners, write a course folder, push the
course's two repositories (`classroom publish-grader`: the learner-readable grading repository;
`classroom course push`: the private course repository), publish and provision `tasks-api`,
then act as a learner: push work on a branch, open a pull request, and let the repository's
real workflow files run through act.

Workflow runs get the sandbox's own Python environment (`SANDBOX_PYTHON_ENV`): the grader is
still installed from the pinned commit of the grading repository, but its dependencies are
already there, so `pip install ./grader` takes about a second and needs no network.
"""

from __future__ import annotations

import base64
import contextlib
import io
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from github import Auth, Github
from rich.console import Console

from basis.procs import Limits, run_cmd
from graders.commands.grade import grade
from graders.feedback.comment import FEEDBACK_COMMENT_MARKER
from orchestrator.commands.course_push import course_push
from orchestrator.commands.init import init
from orchestrator.commands.provision import provision
from orchestrator.commands.publish import publish
from orchestrator.commands.publish_grader import publish_grader
from orchestrator.course import CourseDir, load_course
from orchestrator.gateway import GitHub
from orchestrator.roster import Learner, write_roster
from orchestrator.treesync import IDENTITY, SKIPPED
from reporter.sticky import read_stamp
from sandbox.config import SandboxConfig
from sandbox.seeding import Person, SeedResult, seed
from sandbox.server import ThreadedServer, free_port

ROOT = Path(__file__).resolve().parent.parent
ORG = "school"
SLUG = "tasks-api"
GRADING_REPO = "classroom"
PASSED_THROUGH = frozenset(
    {"SSL_CERT_FILE", "SSL_CERT_DIR", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY"}
    | {"http_proxy", "https_proxy", "no_proxy", "UV_INDEX_URL", "UV_DEFAULT_INDEX"}
)
GIT = Limits(timeout_seconds=120, output_bytes=64 * 1024)
Wrapper = Callable[..., object]


@dataclass
class Story:
    """A running sandbox with a provisioned class."""

    server: ThreadedServer
    seeded: SeedResult
    work: Path
    course: CourseDir | None = None

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def instructor(self) -> GitHub:
        return GitHub(self.url, self.seeded.instructor.token, backoff=0.05)

    def client(self, person: Person) -> Github:
        """A PyGithub client acting as `person`, without client-side throttling."""
        return Github(
            base_url=self.url,
            auth=Auth.Token(person.token),
            seconds_between_requests=0,
            seconds_between_writes=0,
        )

    def repo_of(self, person: Person) -> str:
        return f"{ORG}/{SLUG}-{person.login}"

    def wait_for_runs(self, timeout: float = 240) -> bool:
        """Wait until every queued workflow run has finished."""
        runner = self.server.sandbox.runner
        return runner is None or runner.wait_idle(timeout)


def runner_env(cache: Path) -> dict[str, str]:
    """Environment for workflow runs: this Python's packages, no index, no build isolation,
    the grader's environment cache, and this machine's certificates and proxies."""
    env = {
        "SANDBOX_PYTHON_ENV": sys.prefix,
        "PIP_NO_INDEX": "1",
        "PIP_NO_BUILD_ISOLATION": "0",
        "CLASSROOM_CACHE_DIR": str(cache),
    }
    return env | {k: v for k, v in os.environ.items() if k in PASSED_THROUGH}


def warm_environment(story: Story, cache: Path) -> None:
    """Build the assignment's submission environment here, once, so runs only reuse it."""
    assert story.course is not None
    assignment = story.course.starter(SLUG).parent
    before = os.environ.get("CLASSROOM_CACHE_DIR")
    os.environ["CLASSROOM_CACHE_DIR"] = str(cache)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            grade(
                submission=assignment / "starter",
                assignment_dir=assignment,
                hidden_tests=None,
                out=story.work / "warm-up",
                skip=frozenset({"tests", "hidden", "lint", "types", "load"}),
                output_format="text",
            )
    finally:
        if before is None:
            os.environ.pop("CLASSROOM_CACHE_DIR")
        else:
            os.environ["CLASSROOM_CACHE_DIR"] = before


@contextmanager
def sandbox_class(
    work: Path, learners: int = 3, *, cache: Path, wrap: Wrapper | None = None
) -> Iterator[Story]:
    """A started sandbox (workflow runs on) with a seeded org; stopped on the way out."""
    # A run may take as long as the demo waits for the official one (900 s): its grading of
    # the class with load took over 300 s on a slow day here and was cut off.
    config = SandboxConfig(
        data=work / "sandbox", port=free_port(), run_timeout=900, runner_env=runner_env(cache)
    )
    server = ThreadedServer.open(config, wrap=wrap).start()  # type: ignore[arg-type]
    try:
        yield Story(server, seed(server.sandbox, ORG, learners, server.url), work)
    finally:
        server.stop()


# --- the instructor ----------------------------------------------------------------------------


def push_grader(story: Story) -> str:
    """`classroom publish-grader` for the story's course; the grading repository's tip."""
    assert story.course is not None, "make_course first: the grading repository follows it"
    gh = story.instructor
    if publish_grader(story.course, gh):
        raise RuntimeError("publish-grader failed")
    return gh.branches(f"{ORG}/{GRADING_REPO}")["main"].sha


def push_course(story: Story) -> None:
    """`classroom course push`: the private course repository, the token as its secret."""
    assert story.course is not None, "make_course first"
    if course_push(story.course, story.instructor):
        raise RuntimeError("course push failed")


def make_course(
    story: Story, *, skip: tuple[str, ...] = ("load",), release: str = "after-deadline"
) -> CourseDir:
    """A course folder: the catalog's tasks-api (its workflow skipping `skip`), the roster;
    `release` says when learners see their official grade (the demo shows it at once)."""
    catalog = story.work / "catalog"
    shutil.copytree(ROOT / "templates" / SLUG, catalog / SLUG, ignore=_ignored)
    if skip:
        workflow = catalog / SLUG / "starter" / ".github" / "workflows" / "classroom.yml"
        text = workflow.read_text(encoding="utf-8")
        workflow.write_text(text + f"      skip: {' '.join(skip)}\n", encoding="utf-8")
    root = story.work / "course"
    init(root, org=ORG, api_url=story.url)
    toml = root / "course.toml"
    text = toml.read_text(encoding="utf-8").replace(
        f'# grading_repo = "{GRADING_REPO}"', f'grading_repo = "{GRADING_REPO}"'
    )
    text = text.replace(f'catalog = "{ROOT / "templates"}"', f'catalog = "{catalog}"')
    # One official grade job: on two cores, a job per learner would run their load tests at once.
    text = text.replace("concurrent_jobs = 20", "concurrent_jobs = 1")
    toml.write_text(text.replace('release = "after-deadline"', f'release = "{release}"'))
    write_roster(root / "roster.csv", [_learner(p.login) for p in story.seeded.learners])
    story.course = load_course(root)
    assert story.course.course.catalog == catalog, "course.toml's catalog line moved"
    assert story.course.course.grading_repo == GRADING_REPO, "course.toml's grading_repo moved"
    return story.course


def publish_and_provision(story: Story, console: Console) -> None:
    """`classroom publish` and `classroom provision`; every learner accepts the invitation."""
    assert story.course is not None
    gh = story.instructor
    if publish(story.course, gh, SLUG) or provision(story.course, gh, SLUG, console=console):
        raise RuntimeError("publish or provision failed")
    for learner in story.seeded.learners:
        me = story.client(learner).get_user()
        for invitation in me.get_invitations():
            me.accept_invitation(invitation)


# --- a learner ---------------------------------------------------------------------------------


def learner_push(
    story: Story,
    learner: Person,
    branch: str,
    files: dict[str, str | None],
    message: str,
    *,
    base: str = "main",
    repo: str | None = None,
) -> str:
    """Write (or delete, None) `files` on `branch` (new ones start at `base`) of `repo` (the
    learner's tasks-api repository unless named) and push it."""
    clone = story.work / "clones" / (repo or learner.login)
    if not clone.exists():
        url = f"{story.url}/{repo or story.repo_of(learner)}.git"
        _git(clone.parent, "clone", "-q", url, clone.name, token=learner.token, mkdir=True)
    if _git(clone, "branch", "--list", branch).strip():
        _git(clone, "checkout", "-q", branch)
    else:
        _git(clone, "checkout", "-q", "-b", branch, f"origin/{base}")
    for name, text in files.items():
        path = clone / name
        if text is None:
            path.unlink(missing_ok=True)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    _git(clone, "add", "-A")
    _git(clone, "commit", "-q", "-m", message)
    _git(clone, "push", "-q", "origin", branch, token=learner.token)
    return _git(clone, "rev-parse", "HEAD").strip()


def open_pull(story: Story, learner: Person, branch: str, title: str) -> int:
    repo = story.client(learner).get_repo(story.repo_of(learner))
    return repo.create_pull(
        title=title, body="My work on the ticket.", head=branch, base="main"
    ).number


def feedback_comments(story: Story, learner: Person, number: int) -> list[tuple[str, str, str]]:
    """(author, body, html_url) of every feedback comment on the pull request."""
    issue = story.client(learner).get_repo(story.repo_of(learner)).get_issue(number)
    found = [c for c in issue.get_comments() if c.body.startswith(FEEDBACK_COMMENT_MARKER)]
    return [(c.user.login, c.body, c.html_url) for c in found]


def wait_for_feedback(
    story: Story, learner: Person, number: int, sha: str, timeout: float = 240
) -> list[tuple[str, str, str]]:
    """The feedback comments once one grades `sha` (runs start a moment after a push)."""
    deadline = time.monotonic() + timeout
    while True:
        story.wait_for_runs(max(1.0, deadline - time.monotonic()))
        found = feedback_comments(story, learner, number)
        stamps = [read_stamp(body) for _, body, _ in found]
        if any(s is not None and s.sha == sha for s in stamps) or time.monotonic() > deadline:
            return found
        time.sleep(0.5)


def solution_files(*, leave_out: tuple[str, ...] = ()) -> dict[str, str | None]:
    """The reference solution's own files (app/, and the regression tests its test-quality
    stage grades), less `leave_out`."""
    solution = ROOT / "templates" / SLUG / "solution"
    found = [*(solution / "app").rglob("*.py"), *(solution / "regression_tests").rglob("*.py")]
    return {
        p.relative_to(solution).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(found)
        if p.relative_to(solution).as_posix() not in leave_out
    }


# --- plumbing ----------------------------------------------------------------------------------


def _learner(login: str) -> Learner:
    return Learner(github_username=login, name=login, email=f"{login}@example.edu", section="A")


def _ignored(_folder: str, names: list[str]) -> set[str]:
    return {n for n in names if n in SKIPPED or n.endswith(".pyc")}


def _git(cwd: Path, *args: str, token: str | None = None, mkdir: bool = False) -> str:
    if mkdir:
        cwd.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, **IDENTITY, "GIT_TERMINAL_PROMPT": "0"}
    if token is not None:
        basic = base64.b64encode(f"x-access-token:{token}".encode()).decode()
        env.update(
            GIT_CONFIG_COUNT="1",
            GIT_CONFIG_KEY_0="http.extraHeader",
            GIT_CONFIG_VALUE_0=f"Authorization: Basic {basic}",
        )
    result = run_cmd(["git", *args], cwd=cwd, env=env, limits=GIT)
    if not result.ok:
        raise RuntimeError(f"git {args[0]} failed: {result.output.strip()[-400:]}")
    return result.output


def scratch() -> Path:
    """A private scratch folder for one demo run."""
    return Path(tempfile.mkdtemp(prefix="classroom-demo-"))
