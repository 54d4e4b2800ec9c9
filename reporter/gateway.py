"""The reporter's one gateway to GitHub: the dozen calls the report job makes, through PyGithub.

The report job installs the reporter alone (no orchestrator), so it cannot use the
orchestrator's gateway; it needs none of its pacing either (a report makes a handful of
calls). The rules are the same: reads are retried by PyGithub's own `GithubRetry` (which
respects `Retry-After` and the rate-limit headers); writes are sent once, never replayed,
because a POST that timed out may have happened. The comment copes with that by re-listing
(`reporter.post.post_comment`); a failed check run fails the job, which says so.
Every failure becomes a `GatewayError` with the call that failed in its message.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import requests
from github import Auth, Github, GithubException, GithubRetry

from basis.errors import UserError
from reporter.records import (
    CheckRunInfo,
    CommentInfo,
    IssueInfo,
    JobInfo,
    RepoInfo,
    check_run_from,
    comment_from,
    job_from,
    repo_from,
)

READ_METHODS = frozenset({"GET", "HEAD"})
ACTIONS_BOT = "github-actions[bot]"  # who a workflow's GITHUB_TOKEN writes as


class GatewayError(UserError):
    """GitHub refused or kept failing one call; the message names it."""


class GitHub:
    """The calls the report job makes: comments, check runs, issues, who may write, and the
    run's jobs (to wait for the grade job)."""

    def __init__(self, api_url: str, token: str, *, backoff: float = 1.0) -> None:
        retry = GithubRetry(total=6, backoff_factor=backoff, allowed_methods=READ_METHODS)
        self._gh = Github(
            base_url=api_url.rstrip("/"),
            auth=Auth.Token(token),
            retry=retry,
            timeout=30,
            seconds_between_requests=0,
            seconds_between_writes=0,
            lazy=True,
        )
        self._req = self._gh.requester

    # --- who, and the repository ---------------------------------------------------------------

    def identity(self) -> str:
        """Who the token writes as: its login, or `github-actions[bot]` for a workflow token."""
        try:
            return str(self._req.requestJsonAndCheck("GET", "/user")[1]["login"])
        except GithubException as exc:
            if exc.status == 403:  # an installation token (GITHUB_TOKEN) may not read /user
                return ACTIONS_BOT
            raise _failed("GET /user", exc) from exc

    def repo(self, full_name: str) -> RepoInfo | None:
        """The repository `full_name`, or None when it does not exist (or is hidden)."""
        data = self._find(f"/repos/{full_name}")
        return repo_from(data) if data else None

    def permission(self, full_name: str, login: str) -> str:
        """The permission `login` has on the repository (`none` when not a collaborator)."""
        data = self._find(f"/repos/{full_name}/collaborators/{quote(login)}/permission")
        return str(data["permission"]) if data else "none"

    # --- pull requests and comments ------------------------------------------------------------

    def pull_head(self, full_name: str, number: int) -> str | None:
        """The head commit of pull request `number` now (None: not a pull request)."""
        data = self._find(f"/repos/{full_name}/pulls/{number}")
        return str(data["head"]["sha"]) if data else None

    def comments(self, full_name: str, number: int) -> list[CommentInfo]:
        """Every comment on issue or pull request `number`, oldest first."""
        path = f"/repos/{full_name}/issues/{number}/comments"
        found = [comment_from(c) for c in self._paged(path)]
        return sorted(found, key=lambda c: (c.created_at, c.id))

    def create_comment(self, full_name: str, number: int, body: str) -> CommentInfo:
        """A new comment on issue or pull request `number`."""
        path = f"/repos/{full_name}/issues/{number}/comments"
        return comment_from(self._write("POST", path, {"body": body}))

    def edit_comment(self, full_name: str, comment_id: int, body: str) -> None:
        """Replace the body of comment `comment_id`."""
        self._write("PATCH", f"/repos/{full_name}/issues/comments/{comment_id}", {"body": body})

    def delete_comment(self, full_name: str, comment_id: int) -> None:
        """Delete a comment; one already gone (a racing run deleted it) is fine."""
        self._write("DELETE", f"/repos/{full_name}/issues/comments/{comment_id}", missing_ok=True)

    # --- issues --------------------------------------------------------------------------------

    def issues(self, full_name: str, label: str | None = None) -> list[IssueInfo]:
        """Every issue and pull request, open or closed; with `label`, those carrying it."""
        params = {"state": "all", **({"labels": label} if label else {})}
        return [_issue(i) for i in self._paged(f"/repos/{full_name}/issues", params)]

    def open_issue(
        self, full_name: str, title: str, body: str, labels: tuple[str, ...] = ()
    ) -> IssueInfo:
        """Open an issue titled `title`."""
        spec = {"title": title, "body": body, **({"labels": list(labels)} if labels else {})}
        return _issue(self._write("POST", f"/repos/{full_name}/issues", spec))

    def set_issue_state(self, full_name: str, number: int, state: str) -> None:
        """Close (`closed`) or reopen (`open`) issue `number`."""
        self._write("PATCH", f"/repos/{full_name}/issues/{number}", {"state": state})

    # --- check runs ----------------------------------------------------------------------------

    def check_runs(self, full_name: str, ref: str, name: str) -> list[CheckRunInfo]:
        """The latest check runs called `name` on `ref` (none when the commit is unknown)."""
        path = f"/repos/{full_name}/commits/{quote(ref)}/check-runs"
        data = self._find(path, {"check_name": name, "filter": "latest"})
        return [check_run_from(c) for c in (data or {}).get("check_runs", [])]

    def create_check_run(self, full_name: str, spec: dict[str, Any]) -> int:
        """Create a check run from a GitHub `spec` (at most 50 annotations); its id."""
        return int(self._write("POST", f"/repos/{full_name}/check-runs", spec)["id"])

    def update_check_run(self, full_name: str, check_id: int, spec: dict[str, Any]) -> None:
        """Update a check run; the annotations in `spec` are added to those it has."""
        self._write("PATCH", f"/repos/{full_name}/check-runs/{check_id}", spec)

    # --- the workflow run ----------------------------------------------------------------------

    def run_jobs(self, full_name: str, run_id: int) -> list[JobInfo]:
        """The jobs of run `run_id`'s latest attempt (a run has far fewer than 100)."""
        path = f"/repos/{full_name}/actions/runs/{run_id}/jobs"
        data = self._find(path, {"filter": "latest", "per_page": 100})
        if data is None:
            raise GatewayError(f"GET {path}: no such run in {full_name}")
        return [job_from(j) for j in data.get("jobs", [])]

    # --- the two primitives --------------------------------------------------------------------

    def _find(self, path: str, params: dict[str, Any] | None = None) -> Any | None:
        """GET that answers None for 404 (and 409 'repository is empty', 422 'no such ref')."""
        try:
            return self._req.requestJsonAndCheck("GET", path, parameters=params)[1]
        except GithubException as exc:
            if exc.status in (404, 409, 422):
                return None
            raise _failed(f"GET {path}", exc) from exc
        except requests.exceptions.RequestException as exc:
            raise _failed(f"GET {path}", exc) from exc

    def _paged(self, path: str, params: dict[str, Any] | None = None) -> Iterator[Any]:
        url: str | None = path
        query: dict[str, Any] | None = {"per_page": 100, **(params or {})}
        while url:
            try:
                headers, data = self._req.requestJsonAndCheck("GET", url, parameters=query)
            except (GithubException, requests.exceptions.RequestException) as exc:
                raise _failed(f"GET {path}", exc) from exc
            yield from data
            url, query = _next_link(headers.get("link", "")), None

    def _write(self, verb: str, path: str, body: Any = None, *, missing_ok: bool = False) -> Any:
        try:
            return self._req.requestJsonAndCheck(verb, path, input=body)[1]
        except GithubException as exc:
            if missing_ok and exc.status == 404:
                return None
            raise _failed(f"{verb} {path}", exc) from exc
        except requests.exceptions.RequestException as exc:
            raise _failed(f"{verb} {path}", exc) from exc


def _failed(call: str, exc: Exception) -> GatewayError:
    if isinstance(exc, GithubException):
        data = exc.data if isinstance(exc.data, dict) else {}
        return GatewayError(f"{call}: GitHub answered {exc.status} {data.get('message', '')}")
    return GatewayError(f"{call}: GitHub kept failing ({type(exc).__name__}: {exc})")


def _next_link(header: str) -> str | None:
    """The `rel="next"` URL of a `Link` header (None on the last page)."""
    for part in header.split(","):
        url, _, rel = part.partition(";")
        if 'rel="next"' in rel:
            return url.strip().strip("<>")
    return None


def _issue(data: dict[str, Any]) -> IssueInfo:
    return IssueInfo(
        number=data["number"],
        title=data["title"],
        is_pull="pull_request" in data,
        html_url=data["html_url"],
        state=data.get("state", "open"),
        labels=tuple(label["name"] for label in data.get("labels") or []),
        author=(data.get("user") or {}).get("login", ""),
        body=data.get("body") or "",
    )
