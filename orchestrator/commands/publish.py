"""`classroom publish SLUG`: create or update the org's template repository from the starter."""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from graders.errors import UserError
from graders.process import Limits, run_cmd
from orchestrator.course import CourseDir
from orchestrator.gateway import GitHub, RepoInfo
from orchestrator.grading_pin import Pin, grading_pin

SKIPPED = frozenset(
    {".git", "__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache", ".venv", ".DS_Store"}
)
GIT_LIMITS = Limits(timeout_seconds=180, output_bytes=64 * 1024)
IDENTITY = {
    "GIT_AUTHOR_NAME": "Backend Classroom",
    "GIT_AUTHOR_EMAIL": "classroom@users.noreply.github.com",
    "GIT_COMMITTER_NAME": "Backend Classroom",
    "GIT_COMMITTER_EMAIL": "classroom@users.noreply.github.com",
}


@dataclass(frozen=True)
class Published:
    repo: str
    created: bool
    commit: str | None  # None: the content was already there


def starter_files(starter: Path) -> list[Path]:
    """The files of `starter` that belong in the template (no caches, no .git), sorted."""
    found = []
    for path in sorted(starter.rglob("*")):
        relative = path.relative_to(starter)
        if path.is_file() and not SKIPPED.intersection(relative.parts) and path.suffix != ".pyc":
            found.append(relative)
    return found


def publish(course: CourseDir, gh: GitHub, slug: str, *, dry_run: bool = False) -> int:
    """Make `<org>/<template>` hold exactly `templates/SLUG/starter`; no commit if unchanged."""
    starter = course.starter(slug)
    if not starter.is_dir():
        raise UserError(f"{starter}: no starter folder for '{slug}'; check catalog/template")
    full = f"{course.course.org}/{course.course.template_name(slug)}"
    gh.whoami({"repo", "workflow"})
    pin = grading_pin(course, gh)
    repo = gh.repo(full)
    if dry_run:
        print(f"would {'update' if repo else 'create'} {full} from {starter}")
        return 0
    created = repo is None
    if repo is None:
        private = course.course.repos.visibility != "public"
        repo = gh.create_repo(course.course.org, full.split("/")[1], private=private, template=True)
    elif not repo.is_template:
        repo = gh.update_repo(full, is_template=True)
    done = Published(full, created, _sync(repo, starter, gh.git_auth_env(), pin))
    print(_describe(done, starter))
    return 0


def _describe(done: Published, starter: Path) -> str:
    verb = "created" if done.created else "updated"
    if done.commit is None:
        return f"{done.repo} already holds {starter}: unchanged, no new commit"
    return f"{verb} {done.repo} at {done.commit[:12]} from {starter}"


def _sync(repo: RepoInfo, starter: Path, auth: dict[str, str], pin: Pin | None) -> str | None:
    """Commit the starter (its grading workflow pinned) on the default branch; None if same."""
    branch = repo.default_branch
    with tempfile.TemporaryDirectory(prefix="classroom-publish-") as tmp:
        work = Path(tmp)
        env = {**os.environ, **auth, **IDENTITY, "GIT_TERMINAL_PROMPT": "0"}
        _git(work, env, "init", "-q", "-b", branch)
        fetched = _git(work, env, "fetch", "-q", "--depth=1", repo.clone_url, branch, check=False)
        if fetched:
            _git(work, env, "reset", "-q", "FETCH_HEAD")
        for relative in starter_files(starter):
            (work / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(starter / relative, work / relative)
        if pin is not None:
            pin.apply_to(work)
        _git(work, env, "add", "-A")
        if fetched and _git(work, env, "diff", "--cached", "--quiet", check=False):
            return None
        _git(work, env, "commit", "-q", "-m", f"Publish {repo.name} from the assignment catalog")
        _git(work, env, "push", "-q", repo.clone_url, f"HEAD:refs/heads/{branch}")
        return _output(work, env, "rev-parse", "HEAD")


def _git(work: Path, env: dict[str, str], *args: str, check: bool = True) -> bool:
    result = run_cmd(["git", *args], cwd=work, env=env, limits=GIT_LIMITS)
    if check and not result.ok:
        raise UserError(f"git {args[0]} failed: {result.output.strip()[-500:]}")
    return result.ok


def _output(work: Path, env: dict[str, str], *args: str) -> str:
    return run_cmd(["git", *args], cwd=work, env=env, limits=GIT_LIMITS).output.strip()
