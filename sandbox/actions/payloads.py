"""Webhook event payloads handed to act (`-e event.json`), shaped like GitHub's."""

from __future__ import annotations

from typing import Any

from sandbox.api.shapes.stored import full_repo_body, issue_body, user_body
from sandbox.auth import Viewer
from sandbox.context import PushEvent, Sandbox
from sandbox.git.repos import ZERO, CommitInfo
from sandbox.records import Issue, Repo

ANONYMOUS = Viewer(login=None)
REACTIONS = ("+1", "-1", "laugh", "hooray", "confused", "heart", "rocket", "eyes")


def repository(sandbox: Sandbox, base: str, repo: Repo) -> dict[str, Any]:
    """The `repository` object of an event (a full repository, no caller permissions)."""
    body = full_repo_body(sandbox, base, ANONYMOUS, repo)
    body.pop("permissions", None)
    body.update(stargazers=0, master_branch=repo.default_branch)
    return body


def _commit(base: str, repo: Repo, info: CommitInfo, distinct: bool = True) -> dict[str, Any]:
    return {
        "id": info.sha,
        "tree_id": info.tree,
        "distinct": distinct,
        "message": info.message,
        "timestamp": info.committer_date,
        "url": f"{base}/{repo.full_name}/commit/{info.sha}",
        "author": {
            "name": info.author.name,
            "email": info.author.email,
            "username": info.author.name,
        },
        "committer": {
            "name": info.committer.name,
            "email": info.committer.email,
            "username": info.committer.name,
        },
        "added": [],
        "removed": [],
        "modified": [],
    }


def push(sandbox: Sandbox, base: str, repo: Repo, event: PushEvent) -> dict[str, Any]:
    """A `push` event."""
    bare = sandbox.bare(repo)
    deleted = event.after == ZERO
    shas: list[str] = []
    if not deleted:
        span = event.after if event.before == ZERO else f"{event.before}..{event.after}"
        shas = bare.git("rev-list", "--reverse", "--max-count=20", span).split()
    commits = [_commit(base, repo, bare.commit(s)) for s in shas]
    forced = (
        event.before != ZERO and not deleted and not bare.is_ancestor(event.before, event.after)
    )
    sender = user_body(sandbox, base, event.pusher)
    repository_body = repository(sandbox, base, repo)
    if "organization" in repository_body:  # push events name the org by login only
        repository_body["organization"] = repo.owner
    return {
        "ref": event.ref,
        "before": event.before,
        "after": event.after,
        "created": event.before == ZERO,
        "deleted": deleted,
        "forced": forced,
        "base_ref": None,
        "compare": f"{base}/{repo.full_name}/compare/{event.before[:12]}...{event.after[:12]}",
        "commits": commits,
        "head_commit": commits[-1] if commits else None,
        "repository": repository_body,
        "pusher": {"name": event.pusher, "email": f"{event.pusher}@users.noreply.sandbox"},
        "sender": sender,
    }


def pull_request(
    sandbox: Sandbox,
    base: str,
    repo: Repo,
    issue: Issue,
    action: str,
    actor: str,
    pull: dict[str, Any],
) -> dict[str, Any]:
    """A `pull_request` event (`pull` is the pull request's shape)."""
    payload: dict[str, Any] = {
        "action": action,
        "number": issue.number,
        "pull_request": pull,
        "repository": repository(sandbox, base, repo),
        "sender": user_body(sandbox, base, actor),
    }
    if action == "synchronize":
        payload.update(before=pull["base"]["sha"], after=pull["head"]["sha"])
    return payload


def issues(
    sandbox: Sandbox, base: str, repo: Repo, issue: Issue, action: str, actor: str
) -> dict[str, Any]:
    """An `issues` event (opened, closed, reopened) for an issue that is no pull request."""
    body = issue_body(sandbox, base, repo, issue)
    body["reactions"] = {"url": f"{body['url']}/reactions", "total_count": 0}
    body["reactions"] |= dict.fromkeys(REACTIONS, 0)
    return {
        "action": action,
        "issue": body,
        "repository": repository(sandbox, base, repo),
        "sender": user_body(sandbox, base, actor),
    }


def workflow_dispatch(
    sandbox: Sandbox,
    base: str,
    repo: Repo,
    ref: str,
    workflow: str,
    inputs: dict[str, Any],
    actor: str,
) -> dict[str, Any]:
    """A `workflow_dispatch` event."""
    return {
        "inputs": inputs or None,
        "ref": ref,
        "workflow": workflow,
        "repository": repository(sandbox, base, repo),
        "sender": user_body(sandbox, base, actor),
    }


def repository_dispatch(
    sandbox: Sandbox,
    base: str,
    repo: Repo,
    event_type: str,
    client_payload: dict[str, Any],
    actor: str,
) -> dict[str, Any]:
    """A `repository_dispatch` event."""
    return {
        "action": event_type,
        "branch": repo.default_branch,
        "client_payload": client_payload,
        "installation": {"id": 1, "node_id": "MDI="},
        "repository": repository(sandbox, base, repo),
        "sender": user_body(sandbox, base, actor),
    }
