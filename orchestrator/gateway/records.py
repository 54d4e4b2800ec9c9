"""The small frozen values the gateway hands out, and how each is read from GitHub's JSON.

Those the report job reads too (repositories, issues, comments, check runs) live in
`reporter.records`, which the reporter installs without the orchestrator."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from reporter.records import (
    CheckRunInfo,
    CommentInfo,
    IssueInfo,
    RepoInfo,
    check_run_from,
    comment_from,
    repo_from,
)

__all__ = [
    "ArtifactInfo",
    "Branch",
    "CheckRunInfo",
    "CommentInfo",
    "Conditional",
    "IssueInfo",
    "JobInfo",
    "Membership",
    "Push",
    "RepoInfo",
    "Request",
    "RunInfo",
    "artifact_from",
    "check_run_from",
    "comment_from",
    "job_from",
    "push_from",
    "repo_from",
    "run_from",
]

Membership = Literal["member", "invited", "none"]


@dataclass(frozen=True)
class Branch:
    name: str
    sha: str
    protected: bool


@dataclass(frozen=True)
class Request:
    """An open issue as someone wrote it: its number, its author (GitHub's record of who
    opened it, never anything the text says) and its text."""

    number: int
    author: str
    title: str
    body: str
    html_url: str


@dataclass(frozen=True)
class Push:
    """One update of a branch as GitHub recorded it: when (the server's time), by whom, from
    which commit to which (`after` is all zeros when the branch was deleted)."""

    id: int
    ref: str
    before: str
    after: str
    pushed_at: datetime
    actor: str  # "" when GitHub no longer knows the account
    kind: str  # push, force_push, branch_creation, branch_deletion, pr_merge, merge_queue_merge


@dataclass(frozen=True)
class Conditional:
    """A conditional read: `changed` False means GitHub answered 304 (free, nothing new)."""

    changed: bool
    etag: str | None
    data: Any


def push_from(data: dict[str, Any]) -> Push:
    """A `Push` from one item of GitHub's repository activity."""
    return Push(
        id=int(data["id"]),
        ref=str(data["ref"]),
        before=str(data["before"]),
        after=str(data["after"]),
        pushed_at=datetime.fromisoformat(str(data["timestamp"])),
        actor=str((data.get("actor") or {}).get("login", "")),
        kind=str(data.get("activity_type", "")),
    )


def _moment(text: object) -> datetime | None:
    return datetime.fromisoformat(text) if isinstance(text, str) and text else None


@dataclass(frozen=True)
class RunInfo:
    """A workflow run: where it is, and how it ended (`conclusion` None while it runs)."""

    id: int
    status: str
    conclusion: str | None
    event: str
    actor: str
    created_at: str
    html_url: str


@dataclass(frozen=True)
class JobInfo:
    """One job of a workflow run (a matrix job has one per instance, e.g. `Grade chunk 1`)."""

    id: int
    name: str
    status: str
    conclusion: str | None


@dataclass(frozen=True)
class ArtifactInfo:
    id: int
    name: str
    size: int
    expired: bool


def run_from(data: dict[str, Any]) -> RunInfo:
    """A `RunInfo` from GitHub's workflow-run JSON."""
    return RunInfo(
        id=int(data["id"]),
        status=str(data.get("status") or ""),
        conclusion=data.get("conclusion"),
        event=str(data.get("event") or ""),
        actor=str((data.get("actor") or {}).get("login", "")),
        created_at=str(data.get("created_at") or ""),
        html_url=str(data.get("html_url") or ""),
    )


def job_from(data: dict[str, Any]) -> JobInfo:
    """A `JobInfo` from GitHub's job JSON."""
    return JobInfo(
        id=int(data["id"]),
        name=str(data.get("name") or ""),
        status=str(data.get("status") or ""),
        conclusion=data.get("conclusion"),
    )


def artifact_from(data: dict[str, Any]) -> ArtifactInfo:
    """An `ArtifactInfo` from GitHub's artifact JSON."""
    return ArtifactInfo(
        id=int(data["id"]),
        name=str(data.get("name") or ""),
        size=int(data.get("size_in_bytes") or 0),
        expired=bool(data.get("expired")),
    )
