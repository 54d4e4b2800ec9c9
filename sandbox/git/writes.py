"""The one way the API moves a branch: check the push rules, update the ref, emit the push."""

from __future__ import annotations

from basis.procs import CommandFailed
from sandbox.auth import Viewer
from sandbox.context import PushEvent, Sandbox
from sandbox.errors import ApiError
from sandbox.git.push_rules import check_api_update, rules_for
from sandbox.git.repos import ZERO, Person
from sandbox.records import Repo, now


def bot(login: str) -> Person:
    """The identity the sandbox commits as on someone's behalf."""
    return Person(login, f"{login}@users.noreply.sandbox")


def move_branch(
    sandbox: Sandbox,
    viewer: Viewer,
    repo: Repo,
    branch: str,
    old: str | None,
    new: str,
    via_pr: bool = False,
) -> None:
    """Point `branch` at `new` if the rules allow it, then tell the workflow runner."""
    login = viewer.require_login()
    bare = sandbox.bare(repo)
    check_api_update(
        rules_for(sandbox, repo, login, viewer.is_workflow), bare, branch, old, new, via_pr
    )
    try:
        if new == ZERO:
            bare.git("update-ref", "-d", f"refs/heads/{branch}", old or "")
        else:
            bare.update_ref(f"refs/heads/{branch}", new, old)
    except CommandFailed as exc:
        raise ApiError(409, f"Reference update failed: refs/heads/{branch} moved") from exc
    fresh = sandbox.repo(repo.full_name) or repo
    fresh.pushed_at = now()
    sandbox.store.save(fresh)
    sandbox.pushed(
        PushEvent(
            repo=repo.full_name,
            ref=f"refs/heads/{branch}",
            before=old or ZERO,
            after=new,
            pusher=login,
            by_workflow=viewer.is_workflow,
            via="merge" if via_pr else "api",
        )
    )
