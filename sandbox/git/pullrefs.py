"""Where a pull request's head lives: its own repository, or a fork whose commits are
copied into the base repository's `refs/pull/N/head` (as GitHub does)."""

from __future__ import annotations

import uuid

from sandbox.context import Sandbox
from sandbox.records import PullInfo, Repo


def is_fork_pull(repo: Repo, pull: PullInfo) -> bool:
    """True when the head branch lives in another repository (a fork)."""
    return pull.head_repo.lower() != repo.full_name.lower()


def head_sha(sandbox: Sandbox, repo: Repo, pull: PullInfo) -> str:
    """The head commit: the branch tip for same-repository heads, else the last one imported."""
    if is_fork_pull(repo, pull):
        return pull.head_sha
    return sandbox.bare(repo).resolve(f"refs/heads/{pull.head}") or pull.head_sha


def import_head(sandbox: Sandbox, repo: Repo, head_repo: str, branch: str, ref: str) -> str | None:
    """Copy `head_repo`'s `branch` into `repo` at `ref`; its sha, or None if there is none."""
    source = sandbox.bare(head_repo)
    tip = source.resolve(f"refs/heads/{branch}")
    if tip is None:
        return None
    sandbox.bare(repo).git(
        "fetch", "-q", "--no-tags", str(source.path), f"+refs/heads/{branch}:{ref}"
    )
    return tip


def incoming_ref() -> str:
    """A scratch ref for a head being checked before its pull request has a number."""
    return f"refs/sandbox/incoming-{uuid.uuid4().hex}"
