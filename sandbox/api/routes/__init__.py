"""One router module per API area."""

from __future__ import annotations

from fastapi import APIRouter

from sandbox.api.routes import (
    accounts,
    actions,
    activity,
    admin,
    branches,
    checks,
    collaborators,
    contents,
    forks,
    git_http,
    gitdata,
    graphql,
    issues,
    jobs,
    memberships,
    meta,
    org_rulesets,
    pulls,
    repos,
    secrets,
)

ROUTERS: list[APIRouter] = [
    meta.router,
    graphql.router,
    accounts.router,
    memberships.router,
    org_rulesets.router,
    repos.router,
    forks.router,
    contents.router,
    collaborators.router,
    issues.router,
    pulls.router,
    actions.router,
    jobs.router,
    activity.router,
    secrets.router,
    checks.router,  # before branches: /commits/{ref}/check-runs vs /commits/{ref}
    gitdata.router,
    branches.router,
]
ADMIN_ROUTER = admin.router  # the sandbox admin token, not a GitHub token
GIT_ROUTER = git_http.router  # authenticates itself: git needs a Basic challenge on 401
