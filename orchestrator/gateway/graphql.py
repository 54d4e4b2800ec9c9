"""GraphQL: what the REST API needs a request per repository for, read for up to 100
repositories in one query.

A batch asks for `repository(owner:, name:)` once per repository (aliases `r0`, `r1`, …),
each with the same selection, plus `rateLimit { cost remaining resetAt }`. GitHub answers
what it can: a repository that does not exist (or that the token cannot see) is null with a
NOT_FOUND error; one it could not answer for another reason is listed in `Batch.failed`, for
the caller to read through REST. A query is a read: it is retried after a 5xx or a dropped
connection, waits out a rate limit, and counts as a query, never as a write.

PyGithub's `Requester.graphql_query` raises on any error in the answer, which a batch with
one missing repository always has; so the query goes through the same requester (same
session, counting and rate gate) with the partial answer kept.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import requests

from orchestrator.gateway.core import GatewayCore
from orchestrator.gateway.transport import AuthError, GatewayError, json_object

BATCH = 100  # GitHub's largest page, and the most repositories one query reads here
RATE = "rateLimit { cost remaining resetAt }"


class GraphQLUnavailable(GatewayError):
    """This server answers no GraphQL (an old GitHub Enterprise Server, a bare stand-in)."""


@dataclass
class Batch:
    """Repositories read by GraphQL: their JSON by full name (None: there is no such
    repository the token can see), and those it could not answer (read them with REST)."""

    found: dict[str, dict[str, Any] | None] = field(default_factory=dict)
    failed: list[str] = field(default_factory=list)


def chunked(items: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    """`items` in runs of at most `size`."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def batch_query(count: int, selection: str, extra: str = "") -> str:
    """A query reading `count` repositories (variables `$o{i}`, `$n{i}`) with `selection`."""
    params = ", ".join(f"$o{i}: String!, $n{i}: String!" for i in range(count))
    fields = "\n".join(
        f"  r{i}: repository(owner: $o{i}, name: $n{i}) {{ ...Seat }}" for i in range(count)
    )
    head = f"query Batch({params}{', ' + extra if extra else ''})"
    return f"{head} {{\n  {RATE}\n{fields}\n}}\nfragment Seat on Repository {selection}\n"


class GraphQLAPI(GatewayCore):
    """Batched reads through GitHub's GraphQL API."""

    def repositories(
        self,
        names: Sequence[str],
        selection: str,
        *,
        extra: str = "",
        variables: dict[str, Any] | None = None,
    ) -> Batch:
        """`selection` (the body of a fragment on Repository) for every `names` (owner/name),
        100 per query; `extra` declares further variables (`$checkName: String!`)."""
        whole = Batch()
        for batch in self.repository_batches(names, selection, extra=extra, variables=variables):
            whole.found.update(batch.found)
            whole.failed.extend(batch.failed)
        return whole

    def repository_batches(
        self,
        names: Sequence[str],
        selection: str,
        *,
        extra: str = "",
        variables: dict[str, Any] | None = None,
    ) -> Iterator[Batch]:
        """`repositories`, one query's answer at a time: a caller that keeps each as it comes
        loses nothing that was read when a later query fails."""
        for chunk in chunked(list(names), BATCH):
            values = dict(variables or {})
            for index, full in enumerate(chunk):
                values[f"o{index}"], values[f"n{index}"] = full.split("/", 1)
            data, errors = self.graphql(batch_query(len(chunk), selection, extra), values)
            batch = Batch()
            _sort(batch, chunk, data, errors)
            yield batch

    def graphql(self, query: str, variables: dict[str, Any]) -> tuple[dict[str, Any], list[Any]]:
        """One query's `data` and `errors`; a read, so retried and paced as reads are."""
        for attempt in range(self.attempts):
            answer = self._post_query(query, variables)
            if answer is None:
                self._sleep(self.backoff * 2**attempt)
                continue
            status, headers, body = answer
            wait = _limited(status, headers, body, self.gate_clock())
            if wait is not None:
                self.limited_wait(wait)
                continue
            return self._read(status, body)
        raise GatewayError("GraphQL: GitHub kept failing; run the command again")

    def gate_clock(self) -> float:
        """Now, by the clock the rate gate uses."""
        return self.gate.now()

    def _post_query(
        self, query: str, variables: dict[str, Any]
    ) -> tuple[int, dict[str, Any], dict[str, Any]] | None:
        """(status, headers, JSON body), or None after a dropped connection or a 5xx."""
        try:
            status, headers, text = self._req.requestJson(
                "POST", self._req.graphql_url, input={"query": query, "variables": variables}
            )
        except requests.exceptions.RequestException:
            return None
        if status >= 500:
            return None
        return status, headers, json_object(text)

    def _read(self, status: int, body: dict[str, Any]) -> tuple[dict[str, Any], list[Any]]:
        if status == 401:
            raise AuthError("GitHub rejected the token (401); set GITHUB_TOKEN to a valid token")
        if status in (404, 410):
            raise GraphQLUnavailable("this server has no GraphQL API")
        if status >= 400:
            raise GatewayError(f"GraphQL: {status} {body.get('message', '')}".rstrip())
        data = body.get("data") or {}
        errors = list(body.get("errors") or [])
        if not data and errors:
            raise GatewayError(f"GraphQL: {json.dumps(errors[0])[:300]}")
        cost = int((data.get("rateLimit") or {}).get("cost") or 1)
        self.points += cost
        self.gate.cost("graphql", cost)
        return data, errors


def _limited(
    status: int, headers: dict[str, Any], body: dict[str, Any], now: float
) -> float | None:
    """Seconds to wait when GitHub refused the query for its rate limit; None otherwise."""
    limited = any(
        isinstance(e, dict) and e.get("type") == "RATE_LIMITED" for e in body.get("errors") or []
    )
    secondary = status in (403, 429) and "rate limit" in str(body.get("message", "")).lower()
    if not (limited or secondary):
        return None
    if "retry-after" in headers:
        return float(headers["retry-after"])
    try:
        return max(1.0, float(headers["x-ratelimit-reset"]) - now + 1)
    except (KeyError, ValueError):
        return 60.0


def _sort(batch: Batch, chunk: Sequence[str], data: dict[str, Any], errors: list[Any]) -> None:
    by_alias: dict[str, list[str]] = {}
    for error in errors:
        path = error.get("path") if isinstance(error, dict) else None
        if path:
            by_alias.setdefault(str(path[0]), []).append(str(error.get("type", "")))
    for index, full in enumerate(chunk):
        alias = f"r{index}"
        kinds = by_alias.get(alias, [])
        value = data.get(alias)
        if value is None and (not kinds or kinds == ["NOT_FOUND"]):
            batch.found[full] = None
        elif kinds:
            batch.failed.append(full)
        else:
            batch.found[full] = value


def moment(text: object) -> datetime | None:
    """A GraphQL DateTime as an aware datetime (None when absent)."""
    return datetime.fromisoformat(str(text)) if text else None
