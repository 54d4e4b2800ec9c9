"""Users and organizations in GitHub's shape."""

from __future__ import annotations

import base64
from typing import Any

from sandbox.records import Account


def node_id(kind: str, number: int) -> str:
    """An opaque global id in GitHub's style."""
    return base64.b64encode(f"0:{kind}{number}".encode()).decode().rstrip("=")


def simple_user(base: str, account: Account) -> dict[str, Any]:
    """GitHub's `simple-user`: the 18 fields every nested user carries."""
    api = f"{base}/users/{account.login}"
    return {
        "login": account.login,
        "id": account.id,
        "node_id": node_id("U", account.id),
        "avatar_url": f"{base}/avatars/{account.login}",
        "gravatar_id": "",
        "url": api,
        "html_url": f"{base}/{account.login}",
        "followers_url": f"{api}/followers",
        "following_url": f"{api}/following{{/other_user}}",
        "gists_url": f"{api}/gists{{/gist_id}}",
        "starred_url": f"{api}/starred{{/owner}}{{/repo}}",
        "subscriptions_url": f"{api}/subscriptions",
        "organizations_url": f"{api}/orgs",
        "repos_url": f"{api}/repos",
        "events_url": f"{api}/events{{/privacy}}",
        "received_events_url": f"{api}/received_events",
        "type": account.type,
        "site_admin": False,
        "name": account.name,
        "email": account.email,
    }


def public_user(base: str, account: Account, public_repos: int) -> dict[str, Any]:
    """GitHub's `public-user` (GET /users/{login}, GET /user)."""
    body = simple_user(base, account)
    body.update(
        name=account.name,
        company=None,
        blog="",
        location=None,
        email=account.email,
        hireable=None,
        bio=None,
        public_repos=public_repos,
        public_gists=0,
        followers=0,
        following=0,
        created_at=account.created_at,
        updated_at=account.created_at,
    )
    return body


def private_user(base: str, account: Account, repos: int) -> dict[str, Any]:
    """GitHub's `private-user` (GET /user)."""
    body = public_user(base, account, repos)
    body.update(
        private_gists=0,
        total_private_repos=repos,
        owned_private_repos=repos,
        disk_usage=0,
        collaborators=0,
        two_factor_authentication=False,
        plan={"name": "free", "space": 976562499, "private_repos": 10000, "collaborators": 0},
    )
    return body


def organization(base: str, org: Account, public_repos: int) -> dict[str, Any]:
    """GitHub's `organization-full`."""
    api = f"{base}/orgs/{org.login}"
    return {
        "login": org.login,
        "id": org.id,
        "node_id": node_id("O", org.id),
        "url": api,
        "repos_url": f"{api}/repos",
        "events_url": f"{api}/events",
        "hooks_url": f"{api}/hooks",
        "issues_url": f"{api}/issues",
        "members_url": f"{api}/members{{/member}}",
        "public_members_url": f"{api}/public_members{{/member}}",
        "avatar_url": f"{base}/avatars/{org.login}",
        "description": None,
        "name": org.name,
        "has_organization_projects": True,
        "has_repository_projects": True,
        "public_repos": public_repos,
        "public_gists": 0,
        "followers": 0,
        "following": 0,
        "html_url": f"{base}/{org.login}",
        "type": "Organization",
        "created_at": org.created_at,
        "updated_at": org.created_at,
        "archived_at": None,
    }
