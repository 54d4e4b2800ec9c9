"""Locust's `--json-file` and failures table → per-endpoint figures, failed requests by kind,
and SLO verdicts. Pure functions."""

from __future__ import annotations

import ast
import csv
import io
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from graders.model.assignment import Slo
from graders.model.report import (
    Check,
    DatabaseUse,
    EndpointLoad,
    EndpointStatements,
    LoadFailure,
    LoadMiss,
)

AGGREGATED = "Aggregated"
# A latency or throughput goal is met by answers, not by fast failures: when more than this
# share of an endpoint's requests failed (an error status, or an answer the locustfile found
# wrong), its latency and throughput goals are missed too (unless the goal sets its own
# max_error_rate, which then applies).
ERRORS_ALLOWED_WITH_A_SPEED_GOAL = 0.01


def percentile(histogram: dict[int, int], count: int, fraction: float) -> float:
    """Locust's own percentile rule over its response-time histogram (ms buckets)."""
    threshold = int(count * fraction)
    seen = 0
    for value in sorted(histogram, reverse=True):
        seen += histogram[value]
        if count - seen <= threshold:
            return float(value)
    return 0.0


def endpoint_figures(entries: list[dict[str, Any]], duration: float) -> list[EndpointLoad]:
    """One row per `METHOD name` plus an `Aggregated` row, in a stable order."""
    rows = [_row(f"{e['method']} {e['name']}", [e], duration) for e in entries]
    rows.sort(key=lambda r: r.endpoint)
    if entries:
        rows.append(_row(AGGREGATED, entries, duration))
    return rows


def _row(name: str, entries: list[dict[str, Any]], duration: float) -> EndpointLoad:
    histogram: dict[int, int] = {}
    for entry in entries:
        for bucket, hits in entry["response_times"].items():
            histogram[int(bucket)] = histogram.get(int(bucket), 0) + int(hits)
    requests = sum(int(e["num_requests"]) for e in entries)
    timed = sum(histogram.values())
    return EndpointLoad(
        endpoint=name,
        requests=requests,
        failures=sum(int(e["num_failures"]) for e in entries),
        rps=round(requests / duration, 1) if duration > 0 else 0.0,
        p50_ms=percentile(histogram, timed, 0.50),
        p95_ms=percentile(histogram, timed, 0.95),
        p99_ms=percentile(histogram, timed, 0.99),
    )


FAILURE_KINDS_KEPT = 5  # the commonest kinds of failed request a report keeps
ERROR_CHARS_KEPT = 200
# How Locust writes what failed: the locustfile's own words (`resp.failure("...")`) and an
# error status, unwrapped; anything else (a refused connection, a timeout) as Locust says it.
_LOCUSTFILE_SAID = re.compile(r"^CatchResponseError\((['\"])(?P<said>.*)\1\)$", re.DOTALL)
_BAD_STATUS = re.compile(r"^(?:LocustBadStatusCode|BadStatusCode)\(code=(?P<code>\d+)\)$")


def failure_kinds(table: str) -> list[LoadFailure]:
    """Locust's `--csv` failures table (Method, Name, Error, Occurrences, ...) → one entry per
    endpoint and error, commonest first, the first FAILURE_KINDS_KEPT."""
    counts: Counter[tuple[str, str]] = Counter()
    for row in csv.DictReader(io.StringIO(table)):
        try:
            occurrences = int(row.get("Occurrences") or 0)
        except ValueError:
            continue
        endpoint = f"{row.get('Method') or ''} {row.get('Name') or ''}".strip()
        counts[(endpoint, _what_failed(row.get("Error") or ""))] += occurrences
    return _commonest(counts)


def merge_failures(groups: Iterable[Sequence[LoadFailure]]) -> list[LoadFailure]:
    """Several runs' failed requests as one list, commonest first."""
    counts: Counter[tuple[str, str]] = Counter()
    for group in groups:
        for failure in group:
            counts[(failure.endpoint, failure.error)] += failure.occurrences
    return _commonest(counts)


def _commonest(counts: Counter[tuple[str, str]]) -> list[LoadFailure]:
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [
        LoadFailure(endpoint=endpoint, error=error, occurrences=n)
        for (endpoint, error), n in ranked[:FAILURE_KINDS_KEPT]
        if n > 0
    ]


def _what_failed(error: str) -> str:
    error = error.strip()
    said = _LOCUSTFILE_SAID.match(error)
    if said:  # Locust wrote the message's repr: its escapes (\n, \') are read back
        error = _unrepr(said.group(1), said["said"][: 4 * ERROR_CHARS_KEPT])
    status = _BAD_STATUS.match(error)
    if status:
        error = f"status {status['code']}"
    return " ".join(error.split())[:ERROR_CHARS_KEPT]


def _unrepr(quote: str, body: str) -> str:
    """The string literal `quote body quote` read back; `body` as it is when it is anything
    else (the text can carry an answer's words: literal_eval evaluates no code, and at most
    800 characters parse into a SyntaxError or ValueError, never a RecursionError)."""
    try:
        text = ast.literal_eval(f"{quote}{body}{quote}")
    except (SyntaxError, ValueError):
        return body
    return text if isinstance(text, str) else body


def measured_duration(entries: list[dict[str, Any]], fallback: float) -> float:
    """Seconds from the first request to the last one, across all entries."""
    starts = [float(e["start_time"]) for e in entries if e.get("start_time")]
    ends = [float(e["last_request_timestamp"]) for e in entries if e.get("last_request_timestamp")]
    if not starts or not ends:
        return fallback
    return max(0.001, max(ends) - min(starts))


def judge(
    slo: Slo,
    rows: list[EndpointLoad],
    points_per_weight: float,
    statements: Mapping[str, EndpointStatements] | None = None,
) -> Check:
    """Pass/fail of one SLO against the measured rows (and, for `max_statements`, the
    statements per request the probe counted; None: the service never used its database)."""
    row = next((r for r in rows if r.endpoint == slo.endpoint), None)
    worth = round(points_per_weight * slo.weight, 4)
    name = f"{slo.endpoint}: {describe_goal(slo)}"
    if row is None or row.requests == 0:
        return Check(
            name=name,
            status="failed",
            score=0.0,
            max_score=worth,
            message=f"no requests to {slo.endpoint} completed",
            hint=slo.why,
            missed=["no-requests"],
        )
    misses = missed(slo, row) + statement_misses(slo, statements)
    return Check(
        name=name,
        status="failed" if misses else "passed",
        score=0.0 if misses else worth,
        max_score=worth,
        message="; ".join(words for _, words in misses) if misses else "met",
        hint=slo.why,
        missed=list(dict.fromkeys(measure for measure, _ in misses)),
    )


def statement_misses(
    slo: Slo, statements: Mapping[str, EndpointStatements] | None
) -> list[tuple[LoadMiss, str]]:
    """The statements and pages goals of `slo`, missed: with the count and the goal in words."""
    if not slo.counts_statements:
        return []
    measure: LoadMiss = "statements" if slo.max_statements is not None else "pages"
    if statements is None:
        return [(measure, "the service never ran a statement on the PostgreSQL database "
                 "it was given ({postgres_url}), so its statements cannot be counted")]  # fmt: skip
    measured = statements.get(slo.endpoint)
    if measured is None:
        return [(measure, f"the statements probe sent no request to {slo.endpoint}")]
    if measured.open_transaction:
        return [(measure, f"{slo.endpoint} left a database transaction open after answering, "
                 "so what it ran cannot be counted; an open transaction also keeps its locks "
                 "and holds back the database's cleanup. End every transaction before the "
                 "response: commit, or use the connection in a `with` block")]  # fmt: skip
    misses: list[tuple[LoadMiss, str]] = []
    if slo.max_statements is not None and measured.per_request > slo.max_statements:
        misses.append((
            "statements",
            f"{measured.per_request:g} statements per request; the goal is at most "
            f"{slo.max_statements:g}",
        ))  # fmt: skip
    if slo.max_pages_read is not None and measured.pages_per_request > slo.max_pages_read:
        misses.append((
            "pages",
            f"{measured.pages_per_request:,.0f} pages read per request; the goal is at most "
            f"{slo.max_pages_read:,.0f}",
        ))  # fmt: skip
    return misses


def describe_goal(slo: Slo) -> str:
    goals = [
        f"{label} ≤ {value:g} ms"
        for label, value in (("p50", slo.p50_ms), ("p95", slo.p95_ms), ("p99", slo.p99_ms))
        if value is not None
    ]
    if slo.max_error_rate is not None:
        goals.append(f"errors ≤ {slo.max_error_rate:.0%}")
    if slo.min_rps is not None:
        goals.append(f"≥ {slo.min_rps:g} requests/s")
    if slo.max_statements is not None:
        goals.append(f"≤ {slo.max_statements:g} statements per request")
    if slo.max_pages_read is not None:
        goals.append(f"≤ {slo.max_pages_read:,.0f} pages read per request")
    if slo.max_cpu_ms is not None:
        goals.append(f"CPU ≤ {slo.max_cpu_ms:g} ms per request")
    return ", ".join(goals)


def missed_goals(slo: Slo, row: EndpointLoad) -> list[str]:
    """Each goal of `slo` that `row` misses, worded with the measured figure."""
    return [words for _, words in missed(slo, row)]


def missed(slo: Slo, row: EndpointLoad) -> list[tuple[LoadMiss, str]]:
    """Each goal of `slo` that `row` misses: the measure that missed, and it in words."""
    misses: list[tuple[LoadMiss, str]] = []
    percentiles: tuple[tuple[LoadMiss, float | None, float], ...] = (
        ("p50", slo.p50_ms, row.p50_ms),
        ("p95", slo.p95_ms, row.p95_ms),
        ("p99", slo.p99_ms, row.p99_ms),
    )
    for label, goal, measured in percentiles:
        if goal is not None and measured > goal:
            misses.append((label, f"{label} {measured:.0f} ms > goal {goal:g} ms"))
    if slo.max_error_rate is not None and row.error_rate > slo.max_error_rate:
        misses.append(("errors", f"errors {row.error_rate:.1%} > goal {slo.max_error_rate:.0%}"))
    if slo.min_rps is not None and row.rps < slo.min_rps:
        misses.append(("throughput", f"{row.rps:.0f} requests/s < goal {slo.min_rps:g}"))
    misses += _cpu_missed(slo, row)
    speed_goals = (slo.p50_ms, slo.p95_ms, slo.p99_ms, slo.min_rps)
    if (
        slo.max_error_rate is None
        and any(goal is not None for goal in speed_goals)
        and row.error_rate > ERRORS_ALLOWED_WITH_A_SPEED_GOAL
    ):
        misses.append((
            "errors",
            f"{row.error_rate:.1%} of requests failed: a speed goal counts answers, and at most "
            f"{ERRORS_ALLOWED_WITH_A_SPEED_GOAL:.0%} may fail",
        ))  # fmt: skip
    return misses


def database_findings(use: DatabaseUse) -> list[str]:
    """What the service did wrong with the PostgreSQL database it was given, in words."""
    findings = []
    if not use.used:
        findings.append(
            "the service never used the PostgreSQL database it was given ({postgres_url}): "
            "no statement reached it during the load test"
        )
    if use.idle_connections > use.max_idle_connections:
        findings.append(
            f"the service held {use.idle_connections} PostgreSQL connections open after the "
            f"load test, with no request in flight (at most {use.max_idle_connections} "
            "expected): connections are opened and never closed; close each one (a `with` "
            "block) or share a pool of a fixed size"
        )
    return findings


def _cpu_missed(slo: Slo, row: EndpointLoad) -> list[tuple[LoadMiss, str]]:
    """The CPU goal: the service's CPU time per answered request (graders.running.cpu_time)."""
    if slo.max_cpu_ms is None:
        return []
    if row.cpu_ms is None:
        return [("cpu", "the service's CPU time could not be measured on this machine")]
    if row.cpu_ms > slo.max_cpu_ms:
        return [("cpu", f"CPU {row.cpu_ms:.2f} ms per request > goal {slo.max_cpu_ms:g} ms")]
    return []
