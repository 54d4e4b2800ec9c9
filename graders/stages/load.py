"""Stage `load`: Locust, headless, against a fresh start of the learner's service."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graders import tools
from graders.loadstats import database_findings, endpoint_figures, judge, measured_duration
from graders.process import Limits, clean_env, run_cmd
from graders.report import (
    DatabaseUse,
    EndpointStatements,
    LoadMetrics,
    StageCause,
    StageResult,
    Status,
)
from graders.service import RunningService, ServiceDidNotStart, running_service
from graders.services import Postgres
from graders.stages.context import StageContext, result
from graders.statements import ProbeFailed, measure

LOCUST_GRACE_SECONDS = 45


def run(ctx: StageContext) -> StageResult:
    started = time.monotonic()
    spec = ctx.assignment.spec.stages.load
    app = ctx.assignment.spec.app
    assert spec is not None and app is not None and ctx.env is not None
    out = ctx.work / "locust"
    died_with: int | None = None
    database: Database | None = None
    try:
        with running_service(
            app, name="load", ctx=ctx, extra_env=spec.env, limits=_service_limits(ctx)
        ) as service:
            before = _statements_so_far(service)
            outcome = run_cmd(
                _locust_argv(ctx, service.base_url, out),
                cwd=ctx.work,
                env=clean_env(home=ctx.work),
                limits=Limits(timeout_seconds=spec.duration_seconds + LOCUST_GRACE_SECONDS),
                netns=service.netns,
            )
            if not service.process.alive():
                died_with = service.process.proc.returncode
            elif before is not None and not outcome.timed_out:
                database = _database(ctx, service, before)
    except ServiceDidNotStart as exc:
        return result(
            "load",
            "error",
            0,
            spec.points,
            started,
            str(exc),
            log_excerpt=exc.log,
            cause=exc.cause,
        )
    stats = Path(f"{out}.json")
    if outcome.timed_out or not stats.is_file():
        return result(
            "load",
            "error",
            0,
            spec.points,
            started,
            "Locust did not finish; the grader could not measure the service",
            log_excerpt=outcome.output[-4000:],
            cause="tool-failed",
        )
    return _score(ctx, json.loads(stats.read_text()), started, died_with, database)


@dataclass(frozen=True)
class Database:
    """What the grader's PostgreSQL saw of the service during the load stage."""

    use: DatabaseUse
    statements: list[EndpointStatements]
    probe_errors: list[str]


def _statements_so_far(service: RunningService) -> int | None:
    """The service's statement count before the load test (None: it has no PostgreSQL)."""
    postgres = service.backing.postgres if service.backing else None
    return postgres.statements_run() if postgres else None


def _database(ctx: StageContext, service: RunningService, before: int) -> Database:
    """Statements per request (the probe), then what the service used and left open."""
    assert service.backing is not None and service.backing.postgres is not None
    postgres = service.backing.postgres
    spec, app = ctx.assignment.spec.stages.load, ctx.assignment.spec.app
    assert spec is not None and app is not None and app.services.postgres is not None
    statements, errors = _statements_per_request(ctx, service, postgres)
    use = DatabaseUse(
        statements=postgres.statements_run() - before,
        idle_connections=postgres.open_connections(),
        max_idle_connections=app.services.postgres.max_idle_connections,
    )
    return Database(use=use, statements=statements, probe_errors=errors)


def _service_limits(ctx: StageContext) -> Limits:
    """The service must outlive the whole load run, whatever the stage's own timeout."""
    limits = ctx.limits("load")
    spec = ctx.assignment.spec.stages.load
    assert spec is not None
    floor = spec.duration_seconds + LOCUST_GRACE_SECONDS
    return Limits(
        timeout_seconds=max(limits.timeout_seconds, floor),
        output_bytes=limits.output_bytes,
        memory_mb=limits.memory_mb,
        max_processes=limits.max_processes,
    )


def _locust_argv(ctx: StageContext, host: str, out: Path) -> list[str]:
    spec = ctx.assignment.spec.stages.load
    assert spec is not None
    return [
        tools.executable("locust"),
        "-f",
        str(ctx.assignment.root / spec.locustfile),
        "--headless",
        "-u",
        str(spec.users),
        "-r",
        str(spec.spawn_rate),
        "-t",
        f"{spec.duration_seconds}s",
        "--host",
        host,
        "--json-file",
        str(out),
        "--exit-code-on-error",
        "0",
        "--only-summary",
        "--loglevel",
        "WARNING",
        "--stop-timeout",
        "2",
    ]


def _statements_per_request(
    ctx: StageContext, service: RunningService, postgres: Postgres
) -> tuple[list[EndpointStatements], list[str]]:
    """The probe's figures, when a goal needs them (it costs a couple of seconds)."""
    spec = ctx.assignment.spec.stages.load
    assert spec is not None
    if all(slo.max_statements is None for slo in spec.slos):
        return [], []
    locustfile = ctx.assignment.root / spec.locustfile
    try:
        return measure(postgres, locustfile, service.base_url, service.netns, ctx.work)
    except ProbeFailed as exc:
        return [], [str(exc)]


def _score(
    ctx: StageContext,
    entries: list[dict[str, Any]],
    started: float,
    died_with: int | None,
    database: Database | None = None,
) -> StageResult:
    spec = ctx.assignment.spec.stages.load
    assert spec is not None
    duration = measured_duration(entries, float(spec.duration_seconds))
    rows = endpoint_figures(entries, duration)
    per_weight = spec.points / sum(s.weight for s in spec.slos)
    counted = _counted(database)
    checks = [judge(slo, rows, per_weight, counted) for slo in spec.slos]
    met = sum(c.status == "passed" for c in checks)
    message = f"{met} of {len(checks)} service-level goals met"
    if died_with is not None:
        message += f"; the service exited (code {died_with}) during the load test"
    findings = database_findings(database.use) if database else []
    message += "".join(f"; {finding}" for finding in findings)
    status: Status = "passed" if met == len(checks) and died_with is None else "failed"
    metrics = LoadMetrics(
        users=spec.users,
        duration_seconds=round(duration, 1),
        endpoints=rows,
        statements=database.statements if database else [],
        database=database.use if database else None,
    )
    score = sum(c.score for c in checks) if died_with is None else 0.0
    exited: StageCause | None = "service-exited" if died_with is not None else None
    log = "\n".join(database.probe_errors[:10]) if database else ""
    return result(
        "load", status, score, spec.points, started, message, checks=checks, load=metrics,
        cause=exited, log_excerpt=log,
    )  # fmt: skip


def _counted(database: Database | None) -> dict[str, EndpointStatements] | None:
    """Statements per request by endpoint; None when the service never used its database."""
    if database is None:
        return {}
    if database.use.statements == 0:
        return None
    return {figures.endpoint: figures for figures in database.statements}
