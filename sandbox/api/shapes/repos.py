"""Repositories, invitations and collaborators in GitHub's shape."""

from __future__ import annotations

from typing import Any

from sandbox.api.shapes.accounts import node_id, simple_user
from sandbox.records import LEVELS, Account, Invitation, Repo

_TEMPLATED = {
    "archive_url": "/{archive_format}{/ref}",
    "assignees_url": "/assignees{/user}",
    "blobs_url": "/git/blobs{/sha}",
    "branches_url": "/branches{/branch}",
    "collaborators_url": "/collaborators{/collaborator}",
    "comments_url": "/comments{/number}",
    "commits_url": "/commits{/sha}",
    "compare_url": "/compare/{base}...{head}",
    "contents_url": "/contents/{+path}",
    "contributors_url": "/contributors",
    "deployments_url": "/deployments",
    "downloads_url": "/downloads",
    "events_url": "/events",
    "forks_url": "/forks",
    "git_commits_url": "/git/commits{/sha}",
    "git_refs_url": "/git/refs{/sha}",
    "git_tags_url": "/git/tags{/sha}",
    "hooks_url": "/hooks",
    "issue_comment_url": "/issues/comments{/number}",
    "issue_events_url": "/issues/events{/number}",
    "issues_url": "/issues{/number}",
    "keys_url": "/keys{/key_id}",
    "labels_url": "/labels{/name}",
    "languages_url": "/languages",
    "merges_url": "/merges",
    "milestones_url": "/milestones{/number}",
    "notifications_url": "/notifications{?since,all,participating}",
    "pulls_url": "/pulls{/number}",
    "releases_url": "/releases{/id}",
    "stargazers_url": "/stargazers",
    "statuses_url": "/statuses/{sha}",
    "subscribers_url": "/subscribers",
    "subscription_url": "/subscription",
    "tags_url": "/tags",
    "teams_url": "/teams",
    "trees_url": "/git/trees{/sha}",
}


def permissions(level: str) -> dict[str, bool]:
    """The `permissions` object for a caller at `level`."""
    have = LEVELS[level]
    return {name: have >= LEVELS[name] for name in ("admin", "maintain", "push", "triage", "pull")}


def minimal_repo(base: str, repo: Repo, owner: Account) -> dict[str, Any]:
    """GitHub's `minimal-repository` (the fields every repository body has)."""
    api = f"{base}/repos/{repo.full_name}"
    body: dict[str, Any] = {
        "id": repo.id,
        "node_id": node_id("R", repo.id),
        "name": repo.name,
        "full_name": repo.full_name,
        "owner": simple_user(base, owner),
        "private": repo.private,
        "html_url": f"{base}/{repo.full_name}",
        "description": repo.description,
        "fork": repo.fork_of is not None,
        "url": api,
    }
    body.update({key: api + suffix for key, suffix in _TEMPLATED.items()})
    body.update(
        git_url=f"{base}/{repo.full_name}.git".replace("http", "git", 1),
        ssh_url=f"git@{base.split('//', 1)[1]}:{repo.full_name}.git",
        clone_url=f"{base}/{repo.full_name}.git",
        svn_url=f"{base}/{repo.full_name}",
        mirror_url=None,
        homepage=repo.homepage,
        language=None,
        forks_count=0,
        stargazers_count=0,
        watchers_count=0,
        size=0,
        default_branch=repo.default_branch,
        open_issues_count=0,
        is_template=repo.is_template,
        topics=repo.topics,
        has_issues=repo.has_issues,
        has_projects=repo.has_projects,
        has_wiki=repo.has_wiki,
        has_pages=False,
        has_downloads=True,
        has_discussions=False,
        archived=repo.archived,
        disabled=False,
        visibility="private" if repo.private else "public",
        pushed_at=repo.pushed_at or repo.created_at,
        created_at=repo.created_at,
        updated_at=repo.updated_at,
        allow_forking=False,
        web_commit_signoff_required=False,
        license=None,
        forks=0,
        open_issues=0,
        watchers=0,
    )
    return body


def full_repo(
    base: str,
    repo: Repo,
    owner: Account,
    level: str,
    open_issues: int,
    template: dict[str, Any] | None = None,
    parent: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """GitHub's `full-repository` (GET/POST/PATCH of one repository)."""
    body = minimal_repo(base, repo, owner)
    body.update(
        open_issues_count=open_issues,
        open_issues=open_issues,
        permissions=permissions(level),
        subscribers_count=0,
        network_count=0,
        template_repository=template,
        allow_squash_merge=True,
        allow_merge_commit=True,
        allow_rebase_merge=True,
        delete_branch_on_merge=False,
    )
    if owner.type == "Organization":
        body["organization"] = simple_user(base, owner)
    if parent is not None:
        body.update(parent=parent, source=parent)
    return body


def repository(base: str, repo: Repo, owner: Account, level: str) -> dict[str, Any]:
    """GitHub's `repository` (nested in invitations, pull requests, templates)."""
    body = minimal_repo(base, repo, owner)
    body["permissions"] = permissions(level)
    return body


def invitation(
    base: str, inv: Invitation, repo: dict[str, Any], invitee: Account, inviter: Account
) -> dict[str, Any]:
    """GitHub's `repository-invitation`."""
    return {
        "id": inv.id,
        "node_id": node_id("RI", inv.id),
        "repository": repo,
        "invitee": simple_user(base, invitee),
        "inviter": simple_user(base, inviter),
        "permissions": {"pull": "read", "push": "write"}.get(inv.permission, inv.permission),
        "created_at": inv.created_at,
        "expired": False,
        "url": f"{base}/user/repository_invitations/{inv.id}",
        "html_url": f"{base}/{inv.repo}/invitations",
    }


def collaborator(base: str, account: Account, level: str) -> dict[str, Any]:
    """GitHub's `collaborator`: a user plus their permissions on the repository."""
    body = simple_user(base, account)
    body["permissions"] = permissions(level)
    body["role_name"] = {"pull": "read", "push": "write"}.get(level, level)
    return body
