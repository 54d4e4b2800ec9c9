"""The one gateway to GitHub: every API call of the orchestrator goes through `GitHub`.

PyGithub does the HTTP; this module decides what may be retried. Reads are retried by
PyGithub's own `GithubRetry`. Writes never are: a POST that timed out or answered 502 may
have happened, so after such an ambiguous failure the gateway first asks GitHub whether the
write took effect (a `probe`) and only then tries again. Idempotent writes (PUT of a
collaborator, a branch protection, a setting) need no probe: repeating them changes nothing.
A 403/429 "secondary rate limit" means the write did not happen; it waits `Retry-After`.
Content-creating writes are paced under the secondary limit, and every request is counted
(retries included), reads and writes apart.

Everything PyGithub-shaped stays in this module (hence its size): the rest of the
orchestrator sees only the small frozen values below.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar
from urllib.parse import quote

import requests
from github import Auth, Github, GithubException, GithubRetry
from github.Requester import HTTPRequestsConnectionClass, HTTPSRequestsConnectionClass, Requester

from graders.errors import UserError
from orchestrator.pacing import CallCounter, Calls, Pacer

T = TypeVar("T")
READ_METHODS = frozenset({"GET", "HEAD"})
Membership = Literal["member", "invited", "none"]
IMPLIED_SCOPES = {"admin:org": {"write:org", "read:org"}, "repo": {"public_repo"}}
ACTIONS_BOT = "github-actions[bot]"
TOKEN_URL = "https://github.com/settings/tokens/new?scopes=repo,workflow"


class GatewayError(UserError):
    """GitHub refused or kept failing one operation; the message says what to do."""


class AuthError(UserError):
    """The token is missing, rejected or lacks scopes: nothing can go on."""


@dataclass(frozen=True)
class RepoInfo:
    full_name: str
    private: bool
    archived: bool
    is_template: bool
    default_branch: str
    html_url: str
    clone_url: str

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
class Conditional:
    """A conditional read: `changed` False means GitHub answered 304 (free, nothing new)."""

    changed: bool
    etag: str | None
    data: Any


class _CountingRetry(GithubRetry):
    """GithubRetry limited to reads, counting every retried attempt."""

    def __init__(self, counter: CallCounter | None = None, **kwargs: Any) -> None:
        self.counter = counter
        super().__init__(**kwargs)

    def new(self, **kw: Any) -> _CountingRetry:
        kw["counter"] = self.counter
        return super().new(**kw)

    def increment(self, *args: Any, **kwargs: Any) -> Any:
        if self.counter is not None:
            self.counter.add(str(kwargs.get("method") or (args[0] if args else None) or "GET"))
        return super().increment(*args, **kwargs)


def _count_responses(session: requests.Session, retry: object) -> None:
    counter = getattr(retry, "counter", None)
    if isinstance(counter, CallCounter):
        hook = lambda response, *_a, **_k: counter.add(response.request.method or "GET")  # noqa: E731
        session.hooks["response"].append(hook)


class _CountingHTTP(HTTPRequestsConnectionClass):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _count_responses(self.session, kwargs.get("retry"))


class _CountingHTTPS(HTTPSRequestsConnectionClass):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _count_responses(self.session, kwargs.get("retry"))


def _classify(exc: Exception) -> Literal["ambiguous", "limited", "fatal"]:
    """Did a failed write maybe happen (ambiguous), surely not (limited), or is it final?"""
    if isinstance(exc, requests.exceptions.RequestException):
        return "ambiguous"
    if isinstance(exc, GithubException):
        if exc.status >= 500:
            return "ambiguous"
        message = str(exc.data.get("message", "")) if isinstance(exc.data, dict) else ""
        retry_after = (exc.headers or {}).get("retry-after")
        if exc.status in (403, 429) and ("rate limit" in message.lower() or retry_after):
            return "limited"
    return "fatal"


def _retry_after(exc: Exception, default: float) -> float:
    headers = getattr(exc, "headers", None) or {}
    try:
        return float(headers.get("retry-after", default))
    except ValueError:
        return default


def _message(exc: Exception) -> str:
    if isinstance(exc, GithubException):
        data = exc.data if isinstance(exc.data, dict) else {}
        details = "; ".join(
            str(e.get("message") or e.get("code")) for e in data.get("errors", []) if e
        )
        text = str(data.get("message", exc))
        return f"{exc.status} {text}" + (f" ({details})" if details else "")
    return f"{type(exc).__name__}: {exc}"


def missing_scopes(granted: list[str] | None, needed: set[str]) -> set[str]:
    """The scopes `needed` that `granted` lacks (None: not a classic token, nothing to check)."""
    if granted is None:
        return set()
    have = set(granted)
    for scope in list(have):
        have |= IMPLIED_SCOPES.get(scope, set())
    return needed - have


class GitHub:
    """The gateway: typed operations on GitHub, each write paced and never blindly replayed."""

    def __init__(
        self,
        api_url: str,
        token: str,
        *,
        pacer: Pacer | None = None,
        backoff: float = 1.0,
        attempts: int = 6,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        Requester.injectConnectionClasses(_CountingHTTP, _CountingHTTPS)
        self.counter = CallCounter()
        self.ambiguous = 0  # writes that failed without saying whether they happened
        self.recovered = 0  # … of which a probe found the write had happened
        self.not_modified = 0  # conditional reads answered 304 (free of rate limit)
        self.api_url = api_url.rstrip("/")
        self.pacer = pacer
        self.backoff = backoff
        self.attempts = attempts
        self._sleep = sleep
        self._token = token
        retry = _CountingRetry(
            counter=self.counter,
            total=attempts,
            backoff_factor=backoff,
            allowed_methods=READ_METHODS,
            secondary_rate_wait=60,
        )
        self._gh = Github(
            base_url=self.api_url,
            auth=Auth.Token(token),
            retry=retry,
            timeout=30,
            seconds_between_requests=0,
            seconds_between_writes=0,
            lazy=True,
        )
        self._req = self._gh.requester

    @property
    def calls(self) -> Calls:
        return self.counter.calls

    def git_auth_env(self) -> dict[str, str]:
        """Environment that lets `git` authenticate over HTTPS without the token on argv."""
        basic = base64.b64encode(f"x-access-token:{self._token}".encode()).decode()
        return {
            "GIT_CONFIG_COUNT": "1",
            "GIT_CONFIG_KEY_0": "http.extraHeader",
            "GIT_CONFIG_VALUE_0": f"Authorization: Basic {basic}",
        }

    # --- plumbing ------------------------------------------------------------------------

    def _get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        try:
            return self._req.requestJsonAndCheck("GET", path, parameters=params)[1]
        except GithubException as exc:
            raise self._fatal(exc, f"GET {path}") from exc
        except requests.exceptions.RequestException as exc:
            raise GatewayError(f"GET {path}: GitHub kept failing ({exc}); run again") from exc

    def _find(self, path: str, params: dict[str, Any] | None = None) -> Any | None:
        """GET that answers None for 404 (and 409 'repository is empty')."""
        try:
            return self._req.requestJsonAndCheck("GET", path, parameters=params)[1]
        except GithubException as exc:
            if exc.status in (404, 409):
                return None
            raise self._fatal(exc, f"GET {path}") from exc
        except requests.exceptions.RequestException as exc:
            raise GatewayError(f"GET {path}: GitHub kept failing ({exc}); run again") from exc

    def _paged(self, path: str, params: dict[str, Any] | None = None) -> Iterator[Any]:
        url: str | None = path
        query: dict[str, Any] | None = {**(params or {}), "per_page": 100}
        while url:
            try:
                headers, data = self._req.requestJsonAndCheck("GET", url, parameters=query)
            except GithubException as exc:
                raise self._fatal(exc, f"GET {path}") from exc
            except requests.exceptions.RequestException as exc:
                raise GatewayError(f"GET {path}: GitHub kept failing ({exc}); run again") from exc
            yield from data
            url, query = _next_link(headers.get("link", "")), None

    def _send(self, verb: str, path: str, body: Any = None) -> Any:
        return self._req.requestJsonAndCheck(verb, path, input=body)[1]

    def _write(
        self, what: str, do: Callable[[], T], probe: Callable[[], T | None] | None = None
    ) -> T:
        """Run one write; after an ambiguous failure, `probe` says whether it happened."""
        last: Exception | None = None
        for attempt in range(self.attempts):
            if self.pacer is not None:
                self.pacer.wait()
            try:
                return do()
            except (GithubException, requests.exceptions.RequestException) as exc:
                last = exc
                kind = _classify(exc)
                if kind == "fatal" and isinstance(exc, GithubException):
                    raise self._fatal(exc, what) from exc
                if kind == "limited":
                    self._sleep(_retry_after(exc, 60.0))
                    continue
            self.ambiguous += 1
            found = probe() if probe is not None else None
            if found is not None:
                self.recovered += 1
                return found
            self._sleep(self.backoff * 2**attempt)
        raise GatewayError(
            f"{what}: GitHub kept failing ({_message(last) if last else '?'}); "
            "run the command again, it resumes where it stopped"
        )

    def _fatal(self, exc: GithubException, what: str) -> UserError:
        if exc.status == 401:
            return AuthError("GitHub rejected the token (401); set GITHUB_TOKEN to a valid token")
        if exc.status == 403 and "admin" in _message(exc).lower():
            return GatewayError(
                f"{what}: {_message(exc)}; the token's user must be an owner of the organization"
            )
        return GatewayError(f"{what}: {_message(exc)}")

    # --- accounts ------------------------------------------------------------------------

    def whoami(self, needed: set[str] | None = None) -> str:
        """The token's login; an AuthError naming the missing scopes when it lacks some."""
        login = str(self._get("/user")["login"])
        missing = missing_scopes(self._gh.oauth_scopes, needed or set())
        if missing:
            raise AuthError(
                f"the token lacks the scope(s) {', '.join(sorted(missing))}; "
                f"create one at {TOKEN_URL} and set GITHUB_TOKEN"
            )
        return login

    def user_exists(self, login: str) -> bool:
        return self._find(f"/users/{quote(login)}") is not None

    # --- repositories ----------------------------------------------------------------------

    def org_repos(self, org: str) -> dict[str, RepoInfo]:
        """Every repository of `org` the token sees, by lower-case name (one call per 100)."""
        repos = (_repo(data) for data in self._paged(f"/orgs/{quote(org)}/repos", {"type": "all"}))
        return {r.name.lower(): r for r in repos}

    def repo(self, full_name: str) -> RepoInfo | None:
        data = self._find(f"/repos/{full_name}")
        return _repo(data) if data else None

    def create_repo(self, org: str, name: str, *, private: bool, template: bool) -> RepoInfo:
        body = {"name": name, "private": private, "is_template": template, "auto_init": False}
        return self._write(
            f"create {org}/{name}",
            lambda: _repo(self._send("POST", f"/orgs/{quote(org)}/repos", body)),
            lambda: self.repo(f"{org}/{name}"),
        )

    def update_repo(self, full_name: str, **fields: Any) -> RepoInfo:
        return self._write(
            f"update {full_name}", lambda: _repo(self._send("PATCH", f"/repos/{full_name}", fields))
        )

    def generate(self, template: str, org: str, name: str, *, private: bool) -> RepoInfo:
        body = {"owner": org, "name": name, "private": private, "include_all_branches": False}
        return self._write(
            f"create {org}/{name} from {template}",
            lambda: _repo(self._send("POST", f"/repos/{template}/generate", body)),
            lambda: self.repo(f"{org}/{name}"),
        )

    def branches(self, full_name: str) -> dict[str, Branch]:
        return {
            b["name"]: Branch(b["name"], b["commit"]["sha"], bool(b.get("protected")))
            for b in self._paged(f"/repos/{full_name}/branches")
        }

    def wait_for_branch(self, full_name: str, branch: str, timeout: float = 120.0) -> str:
        """The tip of `branch` once it exists (a generated repo fills in asynchronously)."""
        deadline, delay = time.monotonic() + timeout, 0.25
        while True:
            data = self._find(f"/repos/{full_name}/branches/{quote(branch)}")
            if data:
                return str(data["commit"]["sha"])
            if time.monotonic() > deadline:
                raise GatewayError(
                    f"{full_name}: still empty after {timeout:.0f} s; GitHub is slow to copy "
                    "the template, run the command again later"
                )
            self._sleep(delay)
            delay = min(delay * 2, 5.0)

    def create_branch(self, full_name: str, branch: str, sha: str) -> str:
        def probe() -> str | None:
            data = self._find(f"/repos/{full_name}/git/ref/heads/{quote(branch)}")
            return str(data["object"]["sha"]) if data else None

        body = {"ref": f"refs/heads/{branch}", "sha": sha}
        return self._write(
            f"{full_name}: create branch {branch}",
            lambda: str(self._send("POST", f"/repos/{full_name}/git/refs", body)["object"]["sha"]),
            probe,
        )

    def file_sha(self, full_name: str, path: str, ref: str) -> str | None:
        data = self._find(f"/repos/{full_name}/contents/{quote(path)}", {"ref": ref})
        return str(data["sha"]) if isinstance(data, dict) else None

    def add_file(self, full_name: str, path: str, text: str, message: str, branch: str) -> str:
        """Create `path` on `branch` (a new commit); its blob sha."""
        body = {
            "message": message,
            "content": base64.b64encode(text.encode()).decode(),
            "branch": branch,
        }
        put = f"/repos/{full_name}/contents/{quote(path)}"
        return self._write(
            f"{full_name}: add {path}",
            lambda: str(self._send("PUT", put, body)["content"]["sha"]),
            lambda: self.file_sha(full_name, path, branch),
        )

    def protect(self, full_name: str, branch: str) -> None:
        """Work reaches `branch` only through pull requests (admins may still push)."""
        body = {
            "required_status_checks": None,
            "enforce_admins": False,
            "required_pull_request_reviews": {"required_approving_review_count": 0},
            "restrictions": None,
            "allow_force_pushes": False,
            "allow_deletions": False,
        }
        path = f"/repos/{full_name}/branches/{quote(branch)}/protection"
        self._write(f"{full_name}: protect {branch}", lambda: self._send("PUT", path, body))

    # --- people --------------------------------------------------------------------------

    def membership(self, full_name: str, login: str) -> Membership:
        """Whether `login` collaborates on the repo, has a pending invitation, or neither."""
        if self._is_collaborator(full_name, login):
            return "member"
        invited = any(
            str(inv["invitee"]["login"]).lower() == login.lower() and not inv.get("expired")
            for inv in self._paged(f"/repos/{full_name}/invitations")
        )
        return "invited" if invited else "none"

    def _is_collaborator(self, full_name: str, login: str) -> bool:
        try:
            status, _, _ = self._req.requestJson(
                "GET", f"/repos/{full_name}/collaborators/{quote(login)}"
            )
        except requests.exceptions.RequestException as exc:
            raise GatewayError(f"{full_name}: could not read collaborators ({exc})") from exc
        if status >= 500:
            raise GatewayError(f"{full_name}: could not read collaborators ({status}); run again")
        return status == 204

    def invite(self, full_name: str, login: str, permission: str = "push") -> Membership:
        """Add `login` (an invitation, unless already a member); replaying this is harmless."""
        path = f"/repos/{full_name}/collaborators/{quote(login)}"

        def do() -> Membership:
            status, headers, text = self._req.requestJson(
                "PUT", path, input={"permission": permission}
            )
            if status >= 400:
                raise GithubException(status, _json(text), headers)
            return "invited" if status == 201 else "member"

        return self._write(f"{full_name}: add {login}", do)

    def permission(self, full_name: str, login: str) -> str:
        data = self._find(f"/repos/{full_name}/collaborators/{quote(login)}/permission")
        return str(data["permission"]) if data else "none"

    # --- issues and pull requests --------------------------------------------------------

    def issues(self, full_name: str) -> list[IssueInfo]:
        """Every issue and pull request, open or closed (GitHub lists both together)."""
        return [
            IssueInfo(i["number"], i["title"], "pull_request" in i, i["html_url"])
            for i in self._paged(f"/repos/{full_name}/issues", {"state": "all"})
        ]

    def open_issue(self, full_name: str, title: str, body: str) -> IssueInfo:
        def probe() -> IssueInfo | None:
            return next((i for i in self.issues(full_name) if i.title == title), None)

        def do() -> IssueInfo:
            data = self._send("POST", f"/repos/{full_name}/issues", {"title": title, "body": body})
            return IssueInfo(data["number"], title, False, data["html_url"])

        return self._write(f"{full_name}: open issue", do, probe)

    def open_pull(self, full_name: str, head: str, base: str, title: str, body: str) -> IssueInfo:
        def probe() -> IssueInfo | None:
            params = {"state": "all", "head": f"{full_name.split('/')[0]}:{head}", "base": base}
            found = list(self._paged(f"/repos/{full_name}/pulls", params))
            return (
                IssueInfo(found[0]["number"], title, True, found[0]["html_url"]) if found else None
            )

        def do() -> IssueInfo:
            spec = {"head": head, "base": base, "title": title, "body": body}
            data = self._send("POST", f"/repos/{full_name}/pulls", spec)
            return IssueInfo(data["number"], title, True, data["html_url"])

        return self._write(f"{full_name}: open pull request {head} → {base}", do, probe)

    # --- actions and checks --------------------------------------------------------------

    def actions_access(self, full_name: str) -> str:
        data = self._find(f"/repos/{full_name}/actions/permissions/access")
        return str(data["access_level"]) if data else "none"

    def set_actions_access(self, full_name: str, level: str) -> None:
        path = f"/repos/{full_name}/actions/permissions/access"
        self._write(
            f"{full_name}: share workflows",
            lambda: self._send("PUT", path, {"access_level": level}),
        )

    def check_runs(self, full_name: str, ref: str, name: str, etag: str | None) -> Conditional:
        """Check runs called `name` on `ref`; with `etag`, a 304 costs nothing and says so."""
        path = f"/repos/{full_name}/commits/{quote(ref)}/check-runs"
        headers = {"If-None-Match": etag} if etag else None
        try:
            status, answer, text = self._req.requestJson(
                "GET", path, parameters={"check_name": name, "filter": "latest"}, headers=headers
            )
        except requests.exceptions.RequestException as exc:
            raise GatewayError(
                f"{full_name}: could not read check runs ({exc}); run again"
            ) from exc
        if status == 304:
            self.not_modified += 1
            return Conditional(False, etag, None)
        if status in (404, 409, 422):
            return Conditional(True, None, [])
        if status >= 400:
            raise GatewayError(f"{full_name}: reading check runs answered {status}; run again")
        runs = [_check_run(c) for c in _json(text).get("check_runs", [])]
        return Conditional(True, answer.get("etag"), runs)

    # --- feedback: the sticky comment and the grading check run ----------------------------

    def identity(self) -> str:
        """Who the token writes as: its login, or `github-actions[bot]` for a workflow token."""
        try:
            return str(self._req.requestJsonAndCheck("GET", "/user")[1]["login"])
        except GithubException as exc:
            if exc.status == 403:  # an installation token (GITHUB_TOKEN) may not read /user
                return ACTIONS_BOT
            raise self._fatal(exc, "GET /user") from exc

    def comments(self, full_name: str, number: int) -> list[CommentInfo]:
        """Every comment on issue or pull request `number`, oldest first."""
        found = [_comment(c) for c in self._paged(f"/repos/{full_name}/issues/{number}/comments")]
        return sorted(found, key=lambda c: (c.created_at, c.id))

    def create_comment(self, full_name: str, number: int, body: str) -> CommentInfo:
        """A new comment (a replayed POST may duplicate it: callers dedupe by re-listing)."""
        path = f"/repos/{full_name}/issues/{number}/comments"
        return self._write(
            f"{full_name}#{number}: comment",
            lambda: _comment(self._send("POST", path, {"body": body})),
        )

    def edit_comment(self, full_name: str, comment_id: int, body: str) -> None:
        path = f"/repos/{full_name}/issues/comments/{comment_id}"
        self._write(
            f"{full_name}: edit comment {comment_id}",
            lambda: self._send("PATCH", path, {"body": body}),
        )

    def delete_comment(self, full_name: str, comment_id: int) -> None:
        """Delete a comment; one already gone (a racing run deleted it) is fine."""
        path = f"/repos/{full_name}/issues/comments/{comment_id}"

        def do() -> None:
            try:
                self._send("DELETE", path)
            except GithubException as exc:
                if exc.status != 404:
                    raise

        self._write(f"{full_name}: delete comment {comment_id}", do)

    def pull_head(self, full_name: str, number: int) -> str | None:
        """The head commit of pull request `number` now (None: not a pull request)."""
        data = self._find(f"/repos/{full_name}/pulls/{number}")
        return str(data["head"]["sha"]) if data else None

    def create_check_run(self, full_name: str, spec: dict[str, Any]) -> int:
        """Create a check run from a GitHub `spec` (≤ 50 annotations); its id."""
        path = f"/repos/{full_name}/check-runs"
        return self._write(
            f"{full_name}: create check run {spec.get('name')}",
            lambda: int(self._send("POST", path, spec)["id"]),
        )

    def update_check_run(self, full_name: str, check_id: int, spec: dict[str, Any]) -> None:
        """Update a check run; the annotations in `spec` are added to those it has."""
        path = f"/repos/{full_name}/check-runs/{check_id}"
        self._write(
            f"{full_name}: update check run {check_id}", lambda: self._send("PATCH", path, spec)
        )

    def annotations(self, full_name: str, check_id: int) -> list[dict[str, Any]]:
        return list(self._paged(f"/repos/{full_name}/check-runs/{check_id}/annotations"))


def find_token() -> str:
    """`GITHUB_TOKEN`, else what `gh auth token` prints; never printed or logged."""
    token = os.environ.get("GITHUB_TOKEN", "").strip()
    if not token and shutil.which("gh"):
        from graders.process import Limits, run_cmd

        result = run_cmd(
            ["gh", "auth", "token"],
            cwd=Path.cwd(),
            env=dict(os.environ),
            limits=Limits(timeout_seconds=15),
            merge_stderr=False,
        )
        token = result.output.strip() if result.ok else ""
    if not token:
        raise AuthError("no GitHub token: set GITHUB_TOKEN, or log in with `gh auth login`")
    return token


def connect(api_url: str, *, per_minute: int, per_hour: int) -> GitHub:
    """The gateway for a command; CLASSROOM_PACING=off turns pacing off (sandbox runs)."""
    pacing = os.environ.get("CLASSROOM_PACING", "on").lower() not in ("off", "0", "no")
    pacer = Pacer(per_minute, per_hour) if pacing else None
    return GitHub(api_url, find_token(), pacer=pacer, backoff=1.0 if pacing else 0.05)


def _json(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text) if text else {}
    except ValueError:
        return {"message": text[:200]}
    return value if isinstance(value, dict) else {}


def _next_link(header: str) -> str | None:
    for part in header.split(","):
        url, _, rel = part.partition(";")
        if 'rel="next"' in rel:
            return url.strip().strip("<>")
    return None


def _repo(data: dict[str, Any]) -> RepoInfo:
    return RepoInfo(
        full_name=data["full_name"],
        private=bool(data.get("private")),
        archived=bool(data.get("archived")),
        is_template=bool(data.get("is_template")),
        default_branch=data.get("default_branch") or "main",
        html_url=data.get("html_url", ""),
        clone_url=data.get("clone_url", ""),
    )


def _comment(data: dict[str, Any]) -> CommentInfo:
    return CommentInfo(
        id=int(data["id"]),
        author=str((data.get("user") or {}).get("login", "")),
        body=data.get("body") or "",
        created_at=data.get("created_at") or "",
        html_url=data.get("html_url") or "",
    )


def _check_run(data: dict[str, Any]) -> CheckRunInfo:
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
