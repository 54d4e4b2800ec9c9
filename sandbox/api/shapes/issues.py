"""Issues, comments, labels and pull requests in GitHub's shape."""

from __future__ import annotations

from typing import Any

from sandbox.api.shapes.accounts import node_id
from sandbox.records import Comment, Issue, Label


def label(base: str, record: Label) -> dict[str, Any]:
    """A `label`."""
    return {
        "id": record.id,
        "node_id": node_id("LA", record.id),
        "url": f"{base}/repos/{record.repo}/labels/{record.name}",
        "name": record.name,
        "description": record.description,
        "color": record.color,
        "default": False,
        "archived_at": None,
        "archived_by": None,
    }


def issue(
    base: str,
    record: Issue,
    user: dict[str, Any],
    labels: list[dict[str, Any]],
    assignees: list[dict[str, Any]],
    association: str,
) -> dict[str, Any]:
    """An `issue` (pull requests are issues too, with a `pull_request` link)."""
    api = f"{base}/repos/{record.repo}"
    url = f"{api}/issues/{record.number}"
    body: dict[str, Any] = {
        "id": record.id,
        "node_id": node_id("I", record.id),
        "url": url,
        "repository_url": api,
        "labels_url": f"{url}/labels{{/name}}",
        "comments_url": f"{url}/comments",
        "events_url": f"{url}/events",
        "html_url": f"{base}/{record.repo}/{'pull' if record.pull else 'issues'}/{record.number}",
        "number": record.number,
        "state": record.state,
        "state_reason": record.state_reason,
        "title": record.title,
        "body": record.body,
        "user": user,
        "labels": labels,
        "assignee": assignees[0] if assignees else None,
        "assignees": assignees,
        "milestone": None,
        "locked": record.locked,
        "active_lock_reason": None,
        "comments": record.comments,
        "closed_at": record.closed_at,
        "created_at": record.created_at,
        "updated_at": record.updated_at,
        "author_association": association,
    }
    if record.pull:
        html = f"{base}/{record.repo}/pull/{record.number}"
        body["pull_request"] = {
            "url": f"{api}/pulls/{record.number}",
            "html_url": html,
            "diff_url": f"{html}.diff",
            "patch_url": f"{html}.patch",
            "merged_at": record.pull.merged_at,
        }
    return body


def comment(base: str, record: Comment, user: dict[str, Any], association: str) -> dict[str, Any]:
    """An `issue-comment`."""
    api = f"{base}/repos/{record.repo}"
    return {
        "id": record.id,
        "node_id": node_id("IC", record.id),
        "url": f"{api}/issues/comments/{record.id}",
        "html_url": f"{base}/{record.repo}/issues/{record.number}#issuecomment-{record.id}",
        "body": record.body,
        "user": user,
        "created_at": record.created_at,
        "updated_at": record.updated_at,
        "issue_url": f"{api}/issues/{record.number}",
        "author_association": association,
    }


def pull_side(
    label_owner: str, ref: str, sha: str, user: dict[str, Any], repo: dict[str, Any]
) -> dict[str, Any]:
    """The `head` or `base` of a pull request."""
    return {"label": f"{label_owner}:{ref}", "ref": ref, "sha": sha, "user": user, "repo": repo}


def pull(
    base: str,
    record: Issue,
    issue_body: dict[str, Any],
    head: dict[str, Any],
    base_side: dict[str, Any],
    stats: dict[str, Any],
) -> dict[str, Any]:
    """A `pull-request` built on its issue body."""
    assert record.pull is not None
    api = f"{base}/repos/{record.repo}"
    url = f"{api}/pulls/{record.number}"
    html = f"{base}/{record.repo}/pull/{record.number}"
    info = record.pull
    return {
        "url": url,
        "id": record.id,
        "node_id": node_id("PR", record.id),
        "html_url": html,
        "diff_url": f"{html}.diff",
        "patch_url": f"{html}.patch",
        "issue_url": f"{api}/issues/{record.number}",
        "commits_url": f"{url}/commits",
        "review_comments_url": f"{url}/comments",
        "review_comment_url": f"{api}/pulls/comments{{/number}}",
        "comments_url": f"{api}/issues/{record.number}/comments",
        "statuses_url": f"{api}/statuses/{head['sha']}",
        "number": record.number,
        "state": record.state,
        "locked": record.locked,
        "title": record.title,
        "user": issue_body["user"],
        "body": record.body,
        "labels": issue_body["labels"],
        "milestone": None,
        "active_lock_reason": None,
        "created_at": record.created_at,
        "updated_at": record.updated_at,
        "closed_at": record.closed_at,
        "merged_at": info.merged_at,
        "merge_commit_sha": info.merge_commit_sha,
        "assignee": issue_body["assignee"],
        "assignees": issue_body["assignees"],
        "requested_reviewers": [],
        "requested_teams": [],
        "head": head,
        "base": base_side,
        "_links": {
            "self": {"href": url},
            "html": {"href": html},
            "issue": {"href": f"{api}/issues/{record.number}"},
            "comments": {"href": f"{api}/issues/{record.number}/comments"},
            "review_comments": {"href": f"{url}/comments"},
            "review_comment": {"href": f"{api}/pulls/comments{{/number}}"},
            "commits": {"href": f"{url}/commits"},
            "statuses": {"href": f"{api}/statuses/{head['sha']}"},
        },
        "author_association": issue_body["author_association"],
        "auto_merge": None,
        "draft": info.draft,
        "merged": info.merged,
        "mergeable": stats["mergeable"],
        "rebaseable": stats["mergeable"],
        "mergeable_state": stats["mergeable_state"],
        "merged_by": stats["merged_by"],
        "comments": record.comments,
        "review_comments": 0,
        "maintainer_can_modify": False,
        "commits": stats["commits"],
        "additions": stats["additions"],
        "deletions": stats["deletions"],
        "changed_files": stats["changed_files"],
    }
