"""The state one server shares across requests: config, store, git data, the run queue."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from sandbox.clock import Clock
from sandbox.config import SandboxConfig
from sandbox.git.repos import BareRepo
from sandbox.records import Account, Repo, Token
from sandbox.store import Store

BOT = "github-actions[bot]"


class Dispatcher(Protocol):
    """What the API needs from the workflow runner (absent with --no-actions)."""

    def dispatch(
        self,
        repo: Repo,
        event: str,
        sha: str,
        ref: str,
        payload: dict[str, Any],
        actor: str,
        only: str | None = None,
        dispatch_type: str = "",
    ) -> int: ...

    def log_path(self, run_id: int) -> Path: ...

    def tick(self, until: datetime) -> list[Any]: ...

    def kill(self, run_id: int, job: str, matrix: dict[str, Any] | None) -> list[str]: ...

    def wait_idle(self, timeout: float) -> bool: ...

    def shutdown(self) -> None: ...


@dataclass(frozen=True)
class PushEvent:
    """One ref moved by a push (or by the API: merge, contents)."""

    repo: str
    ref: str
    before: str
    after: str
    pusher: str
    by_workflow: bool
    via: str = "api"  # "git" (smart HTTP), "api" (refs, contents) or "merge" (a pull request)


@dataclass
class Sandbox:
    """Shared by every request of one server."""

    config: SandboxConfig
    store: Store
    on_push: list[Callable[[PushEvent], None]] = field(default_factory=list)
    on_pull_request: list[Callable[[str, str, int, str], None]] = field(default_factory=list)
    on_issue: list[Callable[[str, str, int, str], None]] = field(default_factory=list)
    wired: bool = False
    runner: Dispatcher | None = None
    clock: Clock = field(default_factory=Clock)
    limiter: Any = None  # the app's realism.Limiter (its peaks), set by create_app

    @classmethod
    def open(cls, config: SandboxConfig) -> Sandbox:
        """Open (or create) the state under `config.data`."""
        config.data.mkdir(parents=True, exist_ok=True)
        return cls(config=config, store=Store(config.state_db))

    def bare(self, repo: Repo | str) -> BareRepo:
        """The bare git repository behind `repo` (a record or "owner/name")."""
        name = repo.full_name if isinstance(repo, Repo) else repo
        return BareRepo(self.config.git_root / f"{name.lower()}.git")

    @property
    def admin_token(self) -> str:
        """The token for the sandbox-only `/_sandbox/...` routes (`--data/admin-token`)."""
        path = self.config.data / "admin-token"
        if not path.exists():
            path.touch(mode=0o600)
            path.write_text(f"sbx_{secrets.token_hex(18)}\n")
        return path.read_text().strip()

    def git_path(self, full_name: str) -> Path:
        return self.bare(full_name).path

    def account(self, login: str) -> Account | None:
        return self.store.find(Account, "", login.lower())

    def repo(self, full_name: str) -> Repo | None:
        return self.store.find(Repo, "", full_name.lower())

    def new_token(
        self, login: str, repo: str | None = None, permissions: dict[str, str] | None = None
    ) -> Token:
        """Mint a token for `login` (scoped to one repository for workflow runs)."""
        prefix = "ghs_" if repo else "ghp_"
        token = Token(
            token=prefix + secrets.token_hex(18),
            login=login,
            repo=repo,
            permissions=permissions or {},
        )
        return self.store.add(token)

    def workflow_token(self, repo: str, permissions: dict[str, str]) -> Token:
        """A token for one workflow run, acting as `github-actions[bot]` on `repo` only."""
        if self.account(BOT) is None:
            self.store.add(Account(login=BOT, type="Bot"))
        return self.new_token(BOT, repo=repo, permissions=permissions)

    def pushed(self, event: PushEvent) -> None:
        """Tell the listeners (the workflow runner) that a ref moved."""
        for listener in self.on_push:
            listener(event)

    def pull_request_event(self, repo: str, action: str, number: int, actor: str) -> None:
        """Tell the listeners a pull request was opened, synchronized or reopened."""
        for listener in self.on_pull_request:
            listener(repo, action, number, actor)

    def issue_event(self, repo: str, action: str, number: int, actor: str) -> None:
        """Tell the listeners an issue (not a pull request) was opened, closed or reopened."""
        for listener in self.on_issue:
            listener(repo, action, number, actor)
