"""The small frozen values the gateway hands out, and how each is read from GitHub's JSON."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

Membership = Literal["member", "invited", "none"]


@dataclass(frozen=True)
class RepoInfo:
    full_name: str
    private: bool
    archived: bool
    is_template: bool
    default_branch: str
    html_url: str
    clone_url: str
    visibility: str = ""  # public, private or internal
    created_at: datetime | None = None

    @property
    def name(self) -> str:
        return self.full_name.split("/", 1)[1]


@dataclass(frozen=True)
class Branch:
    name: str
    sha: str
    protected: bool


@dataclass(frozen=True)
class IssueInfo:
    number: int
    title: str
    is_pull: bool
    html_url: str
    state: str = "open"
    labels: tuple[str, ...] = ()
    author: str = ""
    body: str = ""


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
class CheckRunInfo:
    id: int
    head_sha: str
    status: str
    conclusion: str | None
    completed_at: str | None
    text: str
    summary: str


@dataclass(frozen=True)
class CommentInfo:
    id: int
    author: str
    body: str
    created_at: str
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


def repo_from(data: dict[str, Any]) -> RepoInfo:
    """A `RepoInfo` from GitHub's repository JSON."""
    return RepoInfo(
        full_name=data["full_name"],
        private=bool(data.get("private")),
        archived=bool(data.get("archived")),
        is_template=bool(data.get("is_template")),
        default_branch=data.get("default_branch") or "main",
        html_url=data.get("html_url", ""),
        clone_url=data.get("clone_url", ""),
        visibility=data.get("visibility") or ("private" if data.get("private") else "public"),
        created_at=_moment(data.get("created_at")),
    )


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


def comment_from(data: dict[str, Any]) -> CommentInfo:
    """A `CommentInfo` from GitHub's issue-comment JSON."""
    return CommentInfo(
        id=int(data["id"]),
        author=str((data.get("user") or {}).get("login", "")),
        body=data.get("body") or "",
        created_at=data.get("created_at") or "",
        html_url=data.get("html_url") or "",
    )


def check_run_from(data: dict[str, Any]) -> CheckRunInfo:
    """A `CheckRunInfo` from GitHub's check-run JSON."""
    output = data.get("output") or {}
    return CheckRunInfo(
        id=int(data["id"]),
        head_sha=data["head_sha"],
        status=data.get("status", ""),
        conclusion=data.get("conclusion"),
        completed_at=data.get("completed_at"),
        text=output.get("text") or "",
        summary=output.get("summary") or "",
    )


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
