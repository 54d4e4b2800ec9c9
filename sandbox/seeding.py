"""Seed an organization with an instructor and learners, each with a token (idempotent)."""

from __future__ import annotations

from pydantic import BaseModel

from sandbox.context import Sandbox
from sandbox.records import Account, Membership, Token
from sandbox.store import Conflict


class Person(BaseModel):
    login: str
    token: str


class SeedResult(BaseModel):
    """What `classroom sandbox seed` prints."""

    api_url: str
    git_url: str
    org: str
    instructor: Person
    learners: list[Person]


def ensure_account(sandbox: Sandbox, login: str, kind: str = "User") -> Account:
    """The account named `login`, created if missing."""
    found = sandbox.account(login)
    if found:
        return found
    account = Account(
        login=login,
        type="Organization" if kind == "Organization" else "User",
        name=login,
        email=None if kind == "Organization" else f"{login}@example.test",
    )
    try:
        return sandbox.store.add(account)
    except Conflict:
        return sandbox.account(login) or account


def personal_token(sandbox: Sandbox, login: str) -> str:
    """`login`'s personal token, minted on first use."""
    for token in sandbox.store.scan(Token):
        if token.login == login and token.repo is None and not token.revoked:
            return token.token
    return sandbox.new_token(login).token


def ensure_member(sandbox: Sandbox, org: str, login: str, role: str) -> None:
    """Make `login` a member of `org` with `role` (kept if already a member)."""
    if sandbox.store.find(Membership, org.lower(), login.lower()) is None:
        sandbox.store.add(
            Membership(org=org, login=login, role="admin" if role == "admin" else "member")
        )


def seed(sandbox: Sandbox, org: str, learners: int, api_url: str) -> SeedResult:
    """An org, its admin `<org>-instructor` and learners `<org>-learner-1…N`."""
    ensure_account(sandbox, org, "Organization")
    instructor = ensure_account(sandbox, f"{org}-instructor")
    ensure_member(sandbox, org, instructor.login, "admin")
    people = [ensure_account(sandbox, f"{org}-learner-{i}") for i in range(1, learners + 1)]
    return SeedResult(
        api_url=api_url,
        git_url=api_url,
        org=org,
        instructor=Person(login=instructor.login, token=personal_token(sandbox, instructor.login)),
        learners=[Person(login=p.login, token=personal_token(sandbox, p.login)) for p in people],
    )
