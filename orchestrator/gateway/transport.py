"""HTTP-level plumbing under PyGithub: counting, error classification and messages."""

from __future__ import annotations

import json
from typing import Any, Literal

import requests
from github import GithubException, GithubRetry
from github.Requester import HTTPRequestsConnectionClass, HTTPSRequestsConnectionClass

from basis.errors import UserError
from orchestrator.pacing import CallCounter, is_graphql

READ_METHODS = frozenset({"GET", "HEAD"})
IMPLIED_SCOPES = {"admin:org": {"write:org", "read:org"}, "repo": {"public_repo"}}


class GatewayError(UserError):
    """GitHub refused or kept failing one operation; the message says what to do."""


class AuthError(UserError):
    """The token is missing, rejected or lacks scopes: nothing can go on."""


class CountingRetry(GithubRetry):
    """GithubRetry limited to reads, counting every retried attempt."""

    def __init__(self, counter: CallCounter | None = None, **kwargs: Any) -> None:
        self.counter = counter
        super().__init__(**kwargs)

    def new(self, **kw: Any) -> CountingRetry:
        kw["counter"] = self.counter
        return super().new(**kw)

    def increment(self, *args: Any, **kwargs: Any) -> Any:
        if self.counter is not None:
            method = str(kwargs.get("method") or (args[0] if args else None) or "GET")
            self.counter.add(method, str(kwargs.get("url") or (args[1] if len(args) > 1 else "")))
        return super().increment(*args, **kwargs)


def _count_responses(session: requests.Session, retry: object) -> CallCounter | None:
    counter = getattr(retry, "counter", None)
    if not isinstance(counter, CallCounter):
        return None

    def hook(response: requests.Response, *_a: Any, **_k: Any) -> None:
        counter.add(response.request.method or "GET", response.request.url or "")
        if counter.gate is not None:
            counter.gate.saw(response.headers)

    session.hooks["response"].append(hook)
    return counter


def _gate(counter: CallCounter | None, url: str) -> None:
    """Hold a request back until GitHub's primary limit for its resource allows it."""
    if counter is not None and counter.gate is not None:
        counter.gate.wait("graphql" if is_graphql(url) else "core")


class CountingHTTP(HTTPRequestsConnectionClass):
    """PyGithub's HTTP connection, counting every response by method (and GraphQL apart)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.counter = _count_responses(self.session, kwargs.get("retry"))

    def getresponse(self) -> Any:
        _gate(self.counter, self.url)
        return super().getresponse()


class CountingHTTPS(HTTPSRequestsConnectionClass):
    """PyGithub's HTTPS connection, counting every response by method (and GraphQL apart)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.counter = _count_responses(self.session, kwargs.get("retry"))

    def getresponse(self) -> Any:
        _gate(self.counter, self.url)
        return super().getresponse()


def classify(exc: Exception) -> Literal["ambiguous", "limited", "fatal"]:
    """Did a failed write maybe happen (ambiguous), surely not (limited), or is it final?"""
    if isinstance(exc, requests.exceptions.RequestException):
        return "ambiguous"
    if isinstance(exc, GithubException):
        if exc.status >= 500:
            return "ambiguous"
        text = str(exc.data.get("message", "")) if isinstance(exc.data, dict) else ""
        wait = (exc.headers or {}).get("retry-after")
        if exc.status in (403, 429) and ("rate limit" in text.lower() or wait):
            return "limited"
    return "fatal"


def retry_after(exc: Exception, default: float) -> float:
    """The seconds a `Retry-After` header asks to wait, else `default`."""
    headers = getattr(exc, "headers", None) or {}
    try:
        return float(headers.get("retry-after", default))
    except ValueError:
        return default


def message(exc: Exception) -> str:
    """A one-line account of a failed request: status, GitHub's message and its details."""
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


def json_object(text: str) -> dict[str, Any]:
    """A response body as a JSON object; `{}` or the text as `message` when it is not one."""
    try:
        value = json.loads(text) if text else {}
    except ValueError:
        return {"message": text[:200]}
    return value if isinstance(value, dict) else {}


def next_link(header: str) -> str | None:
    """The `rel="next"` URL of a `Link` header (None on the last page)."""
    for part in header.split(","):
        url, _, rel = part.partition(";")
        if 'rel="next"' in rel:
            return url.strip().strip("<>")
    return None
