"""The gateway's core: one PyGithub session, counted calls, and the read and write primitives.

Reads are retried by PyGithub's own `GithubRetry`. Writes never are: a POST that timed out or
answered 502 may have happened, so after such an ambiguous failure `_write` first asks GitHub
whether the write took effect (a `probe`) and only then tries again. Idempotent writes (PUT
of a collaborator, a branch protection, a setting) need no probe: repeating them changes
nothing. A 403/429 "secondary rate limit" means the write did not happen; it waits
`Retry-After`. Content-creating writes are paced under the secondary limit; any request
waits when the answers so far say its resource's hour is spent (`RateGate`), rather than being
refused. Every request is counted (retries included): REST reads, writes, GraphQL queries.
"""

from __future__ import annotations

import base64
import hashlib
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import requests
from github import Auth, Github, GithubException
from github.Requester import Requester

from basis.errors import UserError
from orchestrator.gateway.transport import (
    READ_METHODS,
    AuthError,
    CountingHTTP,
    CountingHTTPS,
    CountingRetry,
    GatewayError,
    classify,
    message,
    next_link,
    retry_after,
)
from orchestrator.pacing import Announce, CallCounter, Calls, Pacer, RateGate, announced

T = TypeVar("T")


class GatewayCore:
    """A PyGithub session with counted calls; the API areas build their methods on it."""

    def __init__(
        self,
        api_url: str,
        token: str,
        *,
        pacer: Pacer | None = None,
        backoff: float = 1.0,
        attempts: int = 6,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        announce: Announce | None = None,
    ) -> None:
        Requester.injectConnectionClasses(CountingHTTP, CountingHTTPS)
        self.announce = announce  # told of every long wait (a rate limit), before it starts
        self.gate = RateGate(clock=clock, sleep=sleep, announce=announce)
        self.counter = CallCounter(self.gate)
        self.ambiguous = 0  # writes that failed without saying whether they happened
        self.recovered = 0  # … of which a probe found the write had happened
        self.not_modified = 0  # conditional reads answered 304 (free of rate limit)
        self.points = 0  # GraphQL points spent (each answer's `rateLimit.cost`)
        self.api_url = api_url.rstrip("/")
        self.pacer = pacer
        self.backoff = backoff
        self.attempts = attempts
        self._sleep = sleep
        self._token = token
        retry = CountingRetry(
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

    @property
    def writer(self) -> str:
        """Whose writes GitHub's secondary limit counts together, as a key that does not
        reveal the token: a digest of the API and the token (the same token, the same key)."""
        digest = hashlib.sha256(f"{self.api_url}\n{self._token}".encode()).hexdigest()
        return f"token-{digest[:16]}"

    def git_auth_env(self) -> dict[str, str]:
        """Environment that lets `git` authenticate over HTTPS without the token on argv."""
        basic = base64.b64encode(f"x-access-token:{self._token}".encode()).decode()
        return {
            "GIT_CONFIG_COUNT": "1",
            "GIT_CONFIG_KEY_0": "http.extraHeader",
            "GIT_CONFIG_VALUE_0": f"Authorization: Basic {basic}",
        }

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
        query: dict[str, Any] | None = {"per_page": 100, **(params or {})}
        while url:
            try:
                headers, data = self._req.requestJsonAndCheck("GET", url, parameters=query)
            except GithubException as exc:
                raise self._fatal(exc, f"GET {path}") from exc
            except requests.exceptions.RequestException as exc:
                raise GatewayError(f"GET {path}: GitHub kept failing ({exc}); run again") from exc
            yield from data
            url, query = next_link(headers.get("link", "")), None

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
            finally:
                if self.pacer is not None:
                    self.pacer.finished()
            kind = classify(last)
            if kind == "fatal" and isinstance(last, GithubException):
                raise self._fatal(last, what) from last
            if kind == "limited":
                self.limited_wait(retry_after(last, 60.0))
                continue
            self.ambiguous += 1
            found = probe() if probe is not None else None
            if found is not None:
                self.recovered += 1
                return found
            self._sleep(self.backoff * 2**attempt)
        raise GatewayError(
            f"{what}: GitHub kept failing ({message(last) if last else '?'}); "
            "run the command again, it resumes where it stopped"
        )

    def limited_wait(self, seconds: float) -> None:
        """Sit out the wait GitHub asked for after refusing a request for its rate limit."""
        announced(self.announce, seconds, "GitHub's rate limit (it asked to wait)")
        self._sleep(seconds)

    def _fatal(self, exc: GithubException, what: str) -> UserError:
        if exc.status == 401:
            return AuthError("GitHub rejected the token (401); set GITHUB_TOKEN to a valid token")
        if exc.status == 403 and "admin" in message(exc).lower():
            return GatewayError(
                f"{what}: {message(exc)}; the token's user must be an owner of the organization"
            )
        return GatewayError(f"{what}: {message(exc)}")
