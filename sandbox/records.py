"""The records the sandbox keeps: accounts, tokens, repositories and what lives in them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, Field

from sandbox.store import Record

Permission = Literal["pull", "triage", "push", "maintain", "admin"]
LEVELS: dict[str, int] = {"none": 0, "pull": 1, "triage": 2, "push": 3, "maintain": 4, "admin": 5}


def now() -> str:
    """The current time as GitHub writes it (ISO 8601, seconds, Z)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Account(Record):
    """A user or an organization."""

    kind: ClassVar[str] = "account"
    login: str
    type: Literal["User", "Organization", "Bot"] = "User"
    name: str | None = None
    email: str | None = None
    created_at: str = Field(default_factory=now)

    def key(self) -> str:
        return self.login.lower()


class Membership(Record):
    """A user's role in an organization."""

    kind: ClassVar[str] = "membership"
    org: str
    login: str
    role: Literal["admin", "member"] = "member"
    state: Literal["active", "pending"] = "active"

    def scope(self) -> str:
        return self.org.lower()

    def key(self) -> str:
        return self.login.lower()


class Token(Record):
    """An access token: a person's, or a workflow run's (scoped to one repository)."""

    kind: ClassVar[str] = "token"
    token: str
    login: str
    repo: str | None = None
    permissions: dict[str, str] = Field(default_factory=dict)
    revoked: bool = False

    def key(self) -> str:
        return self.token


class Repo(Record):
    """A repository; its git data lives in a bare repository under the data folder."""

    kind: ClassVar[str] = "repo"
    owner: str
    name: str
    private: bool = True
    description: str | None = None
    homepage: str | None = None
    is_template: bool = False
    archived: bool = False
    has_issues: bool = True
    has_projects: bool = True
    has_wiki: bool = True
    default_branch: str = "main"
    template: str | None = None
    fork_of: str | None = None
    topics: list[str] = Field(default_factory=list)
    actions_access: str = "none"
    next_number: int = 1
    created_at: str = Field(default_factory=now)
    updated_at: str = Field(default_factory=now)
    pushed_at: str | None = None

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"

    def key(self) -> str:
        return self.full_name.lower()


class RepoRecord(Record):
    """A record that belongs to one repository (listed under its full name)."""

    repo: str

    def scope(self) -> str:
        return self.repo.lower()


class Collaborator(RepoRecord):
    kind: ClassVar[str] = "collaborator"
    login: str
    permission: Permission = "push"

    def key(self) -> str:
        return self.login.lower()


class Invitation(RepoRecord):
    kind: ClassVar[str] = "invitation"
    invitee: str
    inviter: str
    permission: Permission = "push"
    created_at: str = Field(default_factory=now)


class PullInfo(BaseModel):
    """What makes an issue a pull request."""

    head: str
    base: str
    head_repo: str
    head_sha: str = ""
    draft: bool = False
    merged: bool = False
    merged_at: str | None = None
    merged_by: str | None = None
    merge_commit_sha: str | None = None


class Issue(RepoRecord):
    kind: ClassVar[str] = "issue"
    number: int
    title: str
    body: str | None = None
    user: str
    state: Literal["open", "closed"] = "open"
    state_reason: str | None = None
    labels: list[str] = Field(default_factory=list)
    assignees: list[str] = Field(default_factory=list)
    locked: bool = False
    comments: int = 0
    pull: PullInfo | None = None
    created_at: str = Field(default_factory=now)
    updated_at: str = Field(default_factory=now)
    closed_at: str | None = None

    def key(self) -> str:
        return str(self.number)


class Comment(RepoRecord):
    kind: ClassVar[str] = "comment"
    number: int
    user: str
    body: str
    created_at: str = Field(default_factory=now)
    updated_at: str = Field(default_factory=now)


class Label(RepoRecord):
    kind: ClassVar[str] = "label"
    name: str
    color: str = "ededed"
    description: str | None = None

    def key(self) -> str:
        return self.name.lower()


class Protection(RepoRecord):
    """Branch protection for one branch (or an fnmatch pattern from a ruleset)."""

    kind: ClassVar[str] = "protection"
    branch: str
    settings: dict[str, Any] = Field(default_factory=dict)

    def key(self) -> str:
        return self.branch


class Ruleset(RepoRecord):
    kind: ClassVar[str] = "ruleset"
    name: str
    target: str = "branch"
    enforcement: str = "active"
    conditions: dict[str, Any] = Field(default_factory=dict)
    rules: list[dict[str, Any]] = Field(default_factory=list)
    bypass_actors: list[dict[str, Any]] = Field(default_factory=list)
    created_at: str = Field(default_factory=now)
    updated_at: str = Field(default_factory=now)


class CheckRun(RepoRecord):
    kind: ClassVar[str] = "check_run"
    name: str
    head_sha: str
    status: str = "queued"
    conclusion: str | None = None
    external_id: str | None = None
    details_url: str | None = None
    started_at: str | None = Field(default_factory=now)
    completed_at: str | None = None
    output: dict[str, Any] = Field(default_factory=dict)
    annotations: list[dict[str, Any]] = Field(default_factory=list)


class Status(RepoRecord):
    kind: ClassVar[str] = "status"
    sha: str
    state: str
    context: str = "default"
    description: str | None = None
    target_url: str | None = None
    creator: str
    created_at: str = Field(default_factory=now)
    updated_at: str = Field(default_factory=now)


class WorkflowRun(RepoRecord):
    kind: ClassVar[str] = "workflow_run"
    path: str
    name: str
    run_number: int
    event: str
    status: str = "queued"
    conclusion: str | None = None
    head_branch: str | None = None
    head_sha: str
    actor: str
    pull_numbers: list[int] = Field(default_factory=list)
    job_names: dict[str, str] = Field(default_factory=dict)  # job id -> `name:` as written
    created_at: str = Field(default_factory=now)
    updated_at: str = Field(default_factory=now)
    run_started_at: str | None = None


class KeyPair(Record):
    """The sandbox's sealed-box key pair: clients encrypt secrets to its public half."""

    kind: ClassVar[str] = "keypair"
    private_key: str

    def key(self) -> str:
        return "actions"


class Secret(Record):
    """An Actions secret of a repository ("owner/name") or an organization ("org:NAME")."""

    kind: ClassVar[str] = "secret"
    owner_scope: str
    name: str
    value: str
    visibility: str = "all"
    selected_repository_ids: list[int] = Field(default_factory=list)
    created_at: str = Field(default_factory=now)
    updated_at: str = Field(default_factory=now)

    def scope(self) -> str:
        return self.owner_scope.lower()

    def key(self) -> str:
        return self.name.upper()


class Activity(RepoRecord):
    """One ref update as the server saw it (GitHub's repository activity), for deadlines."""

    kind: ClassVar[str] = "activity"
    ref: str
    before: str
    after: str
    actor: str
    activity_type: str
    timestamp: str
    via: str = "api"
