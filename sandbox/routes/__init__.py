"""One router module per API area."""

from __future__ import annotations

from fastapi import APIRouter

from sandbox.routes import (
    accounts,
    actions,
    branches,
    checks,
    collaborators,
    contents,
    forks,
    git_http,
    gitdata,
    issues,
    memberships,
    meta,
    pulls,
    repos,
    secrets,
)

ROUTERS: list[APIRouter] = [
    meta.router,
    accounts.router,
    memberships.router,
    repos.router,
    forks.router,
    contents.router,
    collaborators.router,
    issues.router,
    pulls.router,
    actions.router,
    secrets.router,
    checks.router,  # before branches: /commits/{ref}/check-runs vs /commits/{ref}
    gitdata.router,
    branches.router,
]
GIT_ROUTER = git_http.router  # authenticates itself: git needs a Basic challenge on 401
