"""`--publish`: commit the built site to the course repository's Pages branch and push it.

Real git, no checkout: the site is staged through a throwaway index, so the course
repository's work tree, index and current branch are never touched.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from basis.errors import UserError

PAGES_BRANCH = "gh-pages"
GIT_TIMEOUT_SECONDS = 120
_IDENTITY = {
    "GIT_AUTHOR_NAME": "classroom dashboard",
    "GIT_AUTHOR_EMAIL": "classroom@localhost",
    "GIT_COMMITTER_NAME": "classroom dashboard",
    "GIT_COMMITTER_EMAIL": "classroom@localhost",
}


@dataclass(frozen=True)
class Published:
    """What `publish_site` did (or, with dry_run, would do)."""

    branch: str
    commit: str
    changed: bool
    pushed_to: str


def git(*args: str, cwd: Path, env: dict[str, str] | None = None) -> str:
    """Run git with a timeout; a failure becomes a UserError with git's own last words."""
    try:
        done = subprocess.run(
            ["git", *args],
            cwd=cwd,
            env={**os.environ, **(env or {})},
            capture_output=True,
            text=True,
            timeout=GIT_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise UserError(
            f"git {args[0]} took over {GIT_TIMEOUT_SECONDS} s in {cwd}; check the "
            "network and the remote, then run the command again"
        ) from exc
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["(no message)"])[-1]
        raise UserError(f"git {' '.join(args[:2])} failed in {cwd}: {last}")
    return done.stdout.strip()


def publish_site(
    site: Path,
    course: Path,
    *,
    remote: str = "origin",
    branch: str = PAGES_BRANCH,
    dry_run: bool = False,
) -> Published:
    """Commit `site` as the whole tree of `branch` in `course` and push it to `remote`."""
    git_dir = _git_dir(course)
    _check_remote(course, remote)
    parent = _fetch_parent(course, remote, branch)
    tree = _stage_tree(site, git_dir)
    if parent and git("rev-parse", f"{parent}^{{tree}}", cwd=course) == tree:
        return Published(
            branch,
            parent,
            changed=False,
            pushed_to="" if dry_run else _push(course, remote, branch, parent),
        )
    if dry_run:
        return Published(branch, f"(tree {tree[:12]})", changed=True, pushed_to="")
    commit = git(
        "commit-tree",
        tree,
        *(["-p", parent] if parent else []),
        "-m",
        "Dashboard: rebuild from the grades store",
        cwd=course,
        env=_identity(course),
    )
    git("update-ref", f"refs/heads/{branch}", commit, cwd=course)
    return Published(branch, commit, changed=True, pushed_to=_push(course, remote, branch, commit))


def _git_dir(course: Path) -> Path:
    if not course.is_dir():
        raise UserError(f"{course}: no such folder; pass the course repository with --course")
    try:
        return Path(git("rev-parse", "--absolute-git-dir", cwd=course))
    except UserError as exc:
        raise UserError(
            f"{course}: not a git repository; --publish pushes the site to the "
            "course repository's gh-pages branch, so run it in a clone of that "
            "repository"
        ) from exc


def _check_remote(course: Path, remote: str) -> None:
    if remote not in git("remote", cwd=course).split():
        raise UserError(
            f"{course}: no git remote called {remote!r}; add the course "
            f"repository with `git remote add {remote} URL` or pass --remote NAME"
        )


def _fetch_parent(course: Path, remote: str, branch: str) -> str:
    """The Pages branch's current commit on the remote (or locally), '' if it has none yet."""
    if git("ls-remote", "--heads", remote, branch, cwd=course):
        tracking = f"refs/remotes/{remote}/{branch}"
        git("fetch", "--quiet", remote, f"+refs/heads/{branch}:{tracking}", cwd=course)
        return git("rev-parse", tracking, cwd=course)
    try:
        return git("rev-parse", "--verify", "--quiet", f"refs/heads/{branch}", cwd=course)
    except UserError:
        return ""


def _stage_tree(site: Path, git_dir: Path) -> str:
    """Write `site` as a tree object through a throwaway index; returns the tree's id."""
    with tempfile.TemporaryDirectory(prefix="classroom-pages-") as tmp:
        env = {"GIT_INDEX_FILE": str(Path(tmp) / "index")}
        where = ["--git-dir", str(git_dir), "--work-tree", str(site.resolve())]
        git(*where, "add", "--all", "--force", ".", cwd=site, env=env)
        return git(*where, "write-tree", cwd=site, env=env)


def _push(course: Path, remote: str, branch: str, commit: str) -> str:
    git("push", "--quiet", remote, f"{commit}:refs/heads/{branch}", cwd=course)
    return f"{remote}/{branch}"


def _identity(course: Path) -> dict[str, str]:
    """A committer identity for machines (CI runners) that have none configured."""
    try:
        git("config", "user.email", cwd=course)
    except UserError:
        return _IDENTITY
    return {}
