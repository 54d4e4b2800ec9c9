"""What the reporter reads from GitHub, as small frozen values, and how each is read from
GitHub's JSON. The orchestrator's gateway hands out the same values (it imports them from
here), so the modules both share (`sticky`, `milestone_issues`, `deadline_notice`,
`results_channel`) work with either gateway."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


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
class CheckRunInfo:
    id: int
    head_sha: str
    status: str
    conclusion: str | None
    completed_at: str | None
    text: str
    summary: str


@dataclass(frozen=True)
class JobInfo:
    """One job of a workflow run: `status` queued, in_progress or completed."""

    name: str
    status: str
    conclusion: str | None


@dataclass(frozen=True)
class CommentInfo:
    id: int
    author: str
    body: str
    created_at: str
    html_url: str


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
        created_at=moment(data.get("created_at")),
    )


def moment(text: object) -> datetime | None:
    """An ISO 8601 date from GitHub's JSON (None when absent)."""
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


def job_from(data: dict[str, Any]) -> JobInfo:
    """A `JobInfo` from GitHub's workflow-job JSON."""
    return JobInfo(
        name=str(data.get("name") or ""),
        status=str(data.get("status") or ""),
        conclusion=data.get("conclusion"),
    )
