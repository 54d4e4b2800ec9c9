"""The API root and /rate_limit."""

from __future__ import annotations

import math

from fastapi import APIRouter, Request
from fastapi.responses import Response

from sandbox.api.deps import Base, respond
from sandbox.api.realism import Limiter, caller_of

router = APIRouter()


ROOT = {
    "current_user_url": "/user",
    "current_user_authorizations_html_url": "/settings/connections/applications{/client_id}",
    "authorizations_url": "/authorizations",
    "code_search_url": "/search/code?q={query}{&page,per_page,sort,order}",
    "commit_search_url": "/search/commits?q={query}{&page,per_page,sort,order}",
    "emails_url": "/user/emails",
    "emojis_url": "/emojis",
    "events_url": "/events",
    "feeds_url": "/feeds",
    "followers_url": "/user/followers",
    "following_url": "/user/following{/target}",
    "gists_url": "/gists{/gist_id}",
    "issue_search_url": "/search/issues?q={query}{&page,per_page,sort,order}",
    "issues_url": "/issues",
    "keys_url": "/user/keys",
    "label_search_url": "/search/labels?q={query}&repository_id={repository_id}{&page,per_page}",
    "notifications_url": "/notifications",
    "organization_url": "/orgs/{org}",
    "organization_repositories_url": "/orgs/{org}/repos{?type,page,per_page,sort}",
    "organization_teams_url": "/orgs/{org}/teams",
    "public_gists_url": "/gists/public",
    "rate_limit_url": "/rate_limit",
    "repository_url": "/repos/{owner}/{repo}",
    "repository_search_url": "/search/repositories?q={query}{&page,per_page,sort,order}",
    "current_user_repositories_url": "/user/repos{?type,page,per_page,sort}",
    "starred_url": "/user/starred{/owner}{/repo}",
    "starred_gists_url": "/gists/starred",
    "user_url": "/users/{user}",
    "user_organizations_url": "/user/orgs",
    "user_repositories_url": "/users/{user}/repos{?type,page,per_page,sort}",
    "user_search_url": "/search/users?q={query}{&page,per_page,sort,order}",
}


@router.get("/")
def root(base: Base) -> Response:
    return respond({key: base + path for key, path in ROOT.items()})


@router.get("/rate_limit")
def rate_limit(request: Request) -> Response:
    limiter: Limiter = request.app.state.limiter
    window, _ = limiter.count(caller_of(request), "GET", free=True)
    limit = limiter.limits.primary_per_hour
    core = {
        "limit": limit,
        "remaining": max(0, limit - window.used),
        "reset": math.ceil(window.start + 3600),
        "used": window.used,
        "resource": "core",
    }
    reset = math.ceil(limiter.clock() + 60)
    search = {"limit": 30, "remaining": 30, "reset": reset, "used": 0, "resource": "search"}
    points = limiter.limits.graphql_points_per_hour
    graphql = {
        "limit": points,
        "remaining": max(0, points - window.points),
        "reset": math.ceil(window.points_start + 3600),
        "used": window.points,
        "resource": "graphql",
    }
    return respond(
        {"resources": {"core": core, "search": search, "graphql": graphql}, "rate": core}
    )
