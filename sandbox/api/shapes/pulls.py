"""Pull requests in GitHub's shape: head and base sides, mergeability and diff figures."""

from __future__ import annotations

from typing import Any

from sandbox.api.shapes import issues as shapes
from sandbox.api.shapes.stored import issue_body, repo_body, user_body
from sandbox.auth import Viewer
from sandbox.context import Sandbox
from sandbox.git.pullrefs import head_sha
from sandbox.git.writes import bot
from sandbox.records import Issue, Repo


def _stats(sandbox: Sandbox, base: str, repo: Repo, issue: Issue) -> dict[str, Any]:
    assert issue.pull is not None
    bare = sandbox.bare(repo)
    head = head_sha(sandbox, repo, issue.pull)
    target = bare.resolve(f"refs/heads/{issue.pull.base}") or head
    changes = bare.changes(target, head)
    mergeable: bool | None = None
    if not issue.pull.merged:
        mergeable = bare.merge(target, head, "probe", bot("sandbox")) is not None
    return {
        "mergeable": mergeable,
        "mergeable_state": "clean" if mergeable else ("dirty" if mergeable is False else "unknown"),
        "merged_by": user_body(sandbox, base, issue.pull.merged_by)
        if issue.pull.merged_by
        else None,
        "commits": bare.count_commits(target, head),
        "additions": sum(c.additions for c in changes),
        "deletions": sum(c.deletions for c in changes),
        "changed_files": len(changes),
    }


def pull_body(
    sandbox: Sandbox, base: str, viewer: Viewer, repo: Repo, issue: Issue, simple: bool = False
) -> dict[str, Any]:
    """A `pull-request` body (`pull-request-simple` fields when `simple`)."""
    assert issue.pull is not None
    bare = sandbox.bare(repo)
    owner = user_body(sandbox, base, repo.owner)
    nested = repo_body(sandbox, base, viewer, repo)
    source = sandbox.repo(issue.pull.head_repo) or repo
    head = shapes.pull_side(
        source.owner,
        issue.pull.head,
        head_sha(sandbox, repo, issue.pull),
        user_body(sandbox, base, source.owner),
        repo_body(sandbox, base, viewer, source),
    )
    target = bare.resolve(f"refs/heads/{issue.pull.base}") or ""
    base_side = shapes.pull_side(repo.owner, issue.pull.base, target, owner, nested)
    stats = (
        {
            "mergeable": None,
            "mergeable_state": "unknown",
            "merged_by": None,
            "commits": 0,
            "additions": 0,
            "deletions": 0,
            "changed_files": 0,
        }
        if simple
        else _stats(sandbox, base, repo, issue)
    )
    body = shapes.pull(base, issue, issue_body(sandbox, base, repo, issue), head, base_side, stats)
    return body
