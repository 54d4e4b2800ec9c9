"""Helpers for front-desk tests: a form-written body, a learner's request, the desk's issues."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from github import Auth, Github

from sandbox.context import Sandbox
from sandbox.records import Comment, Issue
from sandbox.seeding import ensure_account, personal_token


def form_body(assignment: str, code: str | None = None) -> str:
    """The body GitHub writes for a submitted join form: `### Label`, a blank line, the value
    (GitHub renders the form itself; nothing on the server parses it)."""
    body = f"### Assignment\n\n{assignment}"
    return body if code is None else f"{body}\n\n### Section code\n\n{code}"


def stranger(sandbox: Sandbox, login: str = "stranger") -> str:
    """A GitHub account on no roster; its token."""
    ensure_account(sandbox, login)
    return personal_token(sandbox, login)


def ask(url: str, token: str, desk: str, body: str) -> int:
    """Open a join request on `desk` as the owner of `token`; its number."""
    client = Github(
        base_url=url, auth=Auth.Token(token), seconds_between_requests=0, seconds_between_writes=0
    )
    return client.get_repo(desk).create_issue(title="Join an assignment", body=body).number


@dataclass(frozen=True)
class Answer:
    """A request as the store holds it after the desk answered (or not)."""

    state: str
    reason: str | None
    comments: tuple[tuple[str, str], ...]  # (author, body)


def answer_of(sandbox: Sandbox, desk: str, number: int) -> Answer:
    issue = sandbox.store.find(Issue, desk.lower(), str(number))
    assert issue is not None
    comments = tuple(
        (c.user, c.body) for c in sandbox.store.scan(Comment, desk.lower()) if c.number == number
    )
    return Answer(issue.state, issue.state_reason, comments)


def open_the_desk(course_root: Path, settings: str = "") -> None:
    """Give course.toml its `[join]` table (the front desk is off without one)."""
    toml = course_root / "course.toml"
    toml.write_text(toml.read_text() + f"\n[join]\n{settings}")
