"""Make a repository's default branch hold a computed tree, with real git: one commit or none.

`classroom publish`, `publish-grader` and `course push` all end the same way: a tree is built
in a scratch clone of the branch's tip, staged, compared and, only when something changed,
committed and pushed (never forced: a push that lost a race fails and the command says to run
it again). The token reaches git through the gateway's environment, never on argv.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from basis.errors import UserError
from basis.procs import CommandResult, Limits, run_cmd

SKIPPED = frozenset(
    {".git", "__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache", ".venv", ".DS_Store"}
)
GIT_LIMITS = Limits(timeout_seconds=180, output_bytes=1024 * 1024)
IDENTITY = {
    "GIT_AUTHOR_NAME": "Backend Classroom",
    "GIT_AUTHOR_EMAIL": "classroom@users.noreply.github.com",
    "GIT_COMMITTER_NAME": "Backend Classroom",
    "GIT_COMMITTER_EMAIL": "classroom@users.noreply.github.com",
}

Content = Path | bytes  # a file to copy, or the bytes to write
Files = Mapping[str, Content]  # posix path in the repository → its content
Fill = Callable[[Path], None]  # writes the wanted tree into the scratch work tree


class PushRejected(UserError):
    """git refused the push: most often the branch moved meanwhile (start again from its tip)."""


@dataclass(frozen=True)
class Target:
    """Where the tree goes: a clone URL (None: the repository does not exist yet) and branch."""

    clone_url: str | None
    branch: str


@dataclass(frozen=True)
class Synced:
    """What a sync did: the new commit (None: unchanged or a dry run), the tree's file count,
    the tip it started from and the staged changes (`A path`, `M path`, `D path`)."""

    commit: str | None
    files: int
    base: str | None
    changes: tuple[str, ...]


def tree_files(folder: Path) -> list[Path]:
    """The files under `folder` that belong in a repository (no caches, no .git), sorted."""
    found = []
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if path.is_file() and not SKIPPED.intersection(relative.parts) and path.suffix != ".pyc":
            found.append(relative)
    return found


def folder_files(folder: Path, prefix: str = "") -> dict[str, Content]:
    """`tree_files(folder)` as repository paths under `prefix`, each copied from its file."""
    base = f"{prefix.rstrip('/')}/" if prefix else ""
    return {f"{base}{relative.as_posix()}": folder / relative for relative in tree_files(folder)}


def write_files(root: Path, files: Files) -> None:
    """Write `files` under `root` (copies keep their mode, so scripts stay executable)."""
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, Path):
            shutil.copy2(content, path)
        else:
            path.write_bytes(content)


def read_bytes(content: Content) -> bytes:
    return content.read_bytes() if isinstance(content, Path) else content


def sync_tree(
    target: Target,
    auth: Mapping[str, str],
    message: str,
    fill: Fill,
    *,
    keep_remote: bool = False,
    dry_run: bool = False,
) -> Synced:
    """Commit what `fill` writes on `target`'s branch; no commit when the tree is the same.

    `fill` starts from an empty work tree (the result mirrors exactly what it writes), or with
    `keep_remote` from a checkout of the tip (it edits what is there). A dry run reads the tip
    and stages the changes, but commits and pushes nothing.
    """
    with tempfile.TemporaryDirectory(prefix="classroom-sync-") as tmp:
        git = _Git(Path(tmp), {**os.environ, **auth, **IDENTITY, "GIT_TERMINAL_PROMPT": "0"})
        git("init", "-q", "-b", target.branch)
        base = _fetch(git, target, keep_remote=keep_remote)
        fill(git.work)
        git("add", "-A")
        changes = _changes(git, base)
        files = len([n for n in git.output("ls-files", "-z").split("\0") if n])
        if dry_run or not changes:
            return Synced(None, files, base, changes)
        git("commit", "-q", "--no-verify", "-m", message)
        _push(git, target)
        return Synced(git.output("rev-parse", "HEAD"), files, base, changes)


def read_tip(target: Target, auth: Mapping[str, str], read: Fill) -> str | None:
    """Fetch `target`'s branch tip into a scratch work tree and let `read` look at it (and
    nothing else); the tip's commit, or None for an empty repository (`read` not called)."""
    with tempfile.TemporaryDirectory(prefix="classroom-read-") as tmp:
        git = _Git(Path(tmp), {**os.environ, **auth, "GIT_TERMINAL_PROMPT": "0"})
        git("init", "-q", "-b", target.branch)
        tip = _fetch(git, target, keep_remote=True)
        if tip is not None:
            read(git.work)
        return tip


def _fetch(git: _Git, target: Target, *, keep_remote: bool) -> str | None:
    """Fetch the branch's tip (if any) and make it HEAD; the tip's commit, or None."""
    if target.clone_url is None:
        return None
    args = ("fetch", "-q", "--depth=1", "--no-tags", target.clone_url, target.branch)
    if not git(*args, check=False):
        return None  # an empty repository: the first commit starts the branch
    git("reset", "-q", *(("--hard",) if keep_remote else ()), "FETCH_HEAD")
    return git.output("rev-parse", "HEAD")


def _push(git: _Git, target: Target) -> None:
    """Push the new commit, never forced: if the branch moved meanwhile, say to run again."""
    assert target.clone_url is not None, "only a dry run may target a missing repository"
    pushed = git.run("push", "-q", target.clone_url, f"HEAD:refs/heads/{target.branch}")
    if not pushed.ok:
        raise PushRejected(
            f"git push to {target.branch} failed: {pushed.output.strip()[-400:]}; if the branch "
            "moved meanwhile, run the command again: it starts from the new tip"
        )


def _changes(git: _Git, base: str | None) -> tuple[str, ...]:
    if base is None:
        listed = git.output("ls-files", "-z").split("\0")
        return tuple(f"A\t{name}" for name in listed if name)
    listed = git.output("diff", "--cached", "--name-status", "--no-renames", "-z").split("\0")
    pairs = zip(listed[::2], listed[1::2], strict=False)
    return tuple(f"{status}\t{name}" for status, name in pairs if name)


class _Git:
    """`git` in one scratch work tree with one environment."""

    def __init__(self, work: Path, env: dict[str, str]) -> None:
        self.work = work
        self.env = env

    def run(self, *args: str) -> CommandResult:
        return run_cmd(["git", *args], cwd=self.work, env=self.env, limits=GIT_LIMITS)

    def __call__(self, *args: str, check: bool = True) -> bool:
        result = self.run(*args)
        if check and not result.ok:
            raise UserError(f"git {args[0]} failed: {result.output.strip()[-500:]}")
        return result.ok

    def output(self, *args: str) -> str:
        result = run_cmd(
            ["git", *args], cwd=self.work, env=self.env, limits=GIT_LIMITS, merge_stderr=False
        )
        if not result.ok:
            raise UserError(f"git {args[0]} failed: {result.output.strip()[-500:]}")
        return result.output.strip("\n")
