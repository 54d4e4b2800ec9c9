"""Rendering helpers that need the store: owners, levels and counts looked up for a body."""

from __future__ import annotations

from typing import Any

from sandbox.auth import Viewer, viewer_level
from sandbox.context import Sandbox
from sandbox.errors import not_found
from sandbox.records import Account, Issue, Repo
from sandbox.shapes import repos as repo_shapes
from sandbox.shapes.accounts import simple_user


def account_or_404(sandbox: Sandbox, login: str) -> Account:
    """The account named `login`; 404 otherwise."""
    account = sandbox.account(login)
    if account is None:
        raise not_found()
    return account


def user_body(sandbox: Sandbox, base: str, login: str) -> dict[str, Any]:
    """A nested `simple-user` for `login` (a ghost user when the account is gone)."""
    account = sandbox.account(login) or Account(id=10**9, login=login)
    return simple_user(base, account)


def full_repo_body(sandbox: Sandbox, base: str, viewer: Viewer, repo: Repo) -> dict[str, Any]:
    """A `full-repository` as this caller sees it."""
    owner = account_or_404(sandbox, repo.owner)
    level = viewer_level(sandbox, viewer, repo, "metadata")
    opened = sum(1 for i in sandbox.store.scan(Issue, repo.full_name.lower()) if i.state == "open")
    template = None
    if repo.template and (source := sandbox.repo(repo.template)):
        template = repo_body(sandbox, base, viewer, source)
    return repo_shapes.full_repo(base, repo, owner, level, opened, template)


def repo_body(sandbox: Sandbox, base: str, viewer: Viewer, repo: Repo) -> dict[str, Any]:
    """A nested `repository` as this caller sees it."""
    owner = account_or_404(sandbox, repo.owner)
    level = viewer_level(sandbox, viewer, repo, "metadata")
    return repo_shapes.repository(base, repo, owner, level)
