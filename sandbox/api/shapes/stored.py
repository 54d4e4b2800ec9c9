"""Shapes that need the store: owners, levels and counts looked up for a body."""

from __future__ import annotations

from typing import Any

from sandbox.api.shapes import issues as issue_shapes
from sandbox.api.shapes import repos as repo_shapes
from sandbox.api.shapes.accounts import simple_user
from sandbox.auth import Viewer, association, viewer_level
from sandbox.context import Sandbox
from sandbox.errors import not_found
from sandbox.records import Account, Comment, Issue, Label, Repo


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
    parent = None
    if repo.fork_of and (origin := sandbox.repo(repo.fork_of)):
        parent = repo_body(sandbox, base, viewer, origin)
    return repo_shapes.full_repo(base, repo, owner, level, opened, template, parent)


def repo_body(sandbox: Sandbox, base: str, viewer: Viewer, repo: Repo) -> dict[str, Any]:
    """A nested `repository` as this caller sees it."""
    owner = account_or_404(sandbox, repo.owner)
    level = viewer_level(sandbox, viewer, repo, "metadata")
    return repo_shapes.repository(base, repo, owner, level)


def label_record(sandbox: Sandbox, repo: Repo, name: str) -> Label:
    """The label `name` of `repo`, created (grey) if it does not exist yet, as GitHub does."""
    found = sandbox.store.find(Label, repo.full_name.lower(), name.lower())
    return found or sandbox.store.add(Label(repo=repo.full_name, name=name))


def issue_body(sandbox: Sandbox, base: str, repo: Repo, issue: Issue) -> dict[str, Any]:
    """An `issue` body with its user, labels and assignees looked up."""
    labels = [issue_shapes.label(base, label_record(sandbox, repo, n)) for n in issue.labels]
    assignees = [user_body(sandbox, base, a) for a in issue.assignees]
    return issue_shapes.issue(
        base,
        issue,
        user_body(sandbox, base, issue.user),
        labels,
        assignees,
        association(sandbox, issue.user, repo),
    )


def comment_body(sandbox: Sandbox, base: str, repo: Repo, comment: Comment) -> dict[str, Any]:
    """An `issue-comment` body."""
    return issue_shapes.comment(
        base,
        comment,
        user_body(sandbox, base, comment.user),
        association(sandbox, comment.user, repo),
    )
