"""Stage `load`: Locust, headless, against a fresh start of the learner's service."""

from __future__ import annotations

import functools
import json
import time
from pathlib import Path
from typing import Any

from basis.procs import Limits
from graders.model.load_reference import reference_solution
from graders.model.loadstats import database_findings, endpoint_figures, judge, measured_duration
from graders.model.report import LoadFailure, LoadMetrics, StageCause, StageResult, Status
from graders.running import tools
from graders.running.cpu_time import CpuSource, ServiceMeter
from graders.running.process import clean_env, run_cmd
from graders.running.service import ServiceDidNotStart, running_service
from graders.stages import load_rounds
from graders.stages.context import StageContext, result
from graders.stages.load_database import Database, counted, database_of, statements_so_far

LOCUST_GRACE_SECONDS = 45


def run(ctx: StageContext) -> StageResult:
    started = time.monotonic()
    spec = ctx.assignment.spec.stages.load
    app = ctx.assignment.spec.app
    assert spec is not None and app is not None and ctx.env is not None
    solution = reference_solution(ctx.hidden_tests)
    # The official grade judges latency against the reference measured in the same job; goals
    # that count (statements, pages, errors, CPU) are the submission's own in either case.
    if solution is not None and spec.times_latency:
        locust = functools.partial(_locust_argv, ctx)
        return load_rounds.run(ctx, solution, locust, _service_limits(ctx))
    out = ctx.work / "locust"
    died_with: int | None = None
    database: Database | None = None
    try:
        with running_service(
            app, name="load", ctx=ctx, extra_env=spec.env, limits=_service_limits(ctx)
        ) as service:
            before = statements_so_far(service)
            meter = ServiceMeter(service.process.proc.pid)
            try:
                cpu_before = meter.cpu_seconds()
                outcome = run_cmd(
                    _locust_argv(ctx, service.base_url, out),
                    cwd=ctx.work,
                    env=clean_env(home=ctx.work),
                    limits=Limits(timeout_seconds=spec.duration_seconds + LOCUST_GRACE_SECONDS),
                    netns=service.netns,
                )
                cpu = meter.cpu_seconds() - cpu_before
            finally:
                meter.close()
            if not service.process.alive():
                died_with = service.process.proc.returncode
            elif before is not None and not outcome.timed_out:
                database = database_of(ctx, service, before)
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
    measured_cpu = (cpu, meter.source)
    entries = json.loads(stats.read_text())
    failed = load_rounds.failures_of(out)
    return _score(ctx, entries, started, died_with, database, measured_cpu, failed)


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


def _locust_argv(ctx: StageContext, host: str, out: Path, seconds: int | None = None) -> list[str]:
    spec = ctx.assignment.spec.stages.load
    assert spec is not None
    seconds = spec.duration_seconds if seconds is None else seconds
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
        f"{seconds}s",
        "--host",
        host,
        "--json-file",
        str(out),
        "--csv",  # for OUT_failures.csv: what failed, in the locustfile's words
        str(out),
        "--exit-code-on-error",
        "0",
        "--only-summary",
        "--loglevel",
        "WARNING",
        "--stop-timeout",
        "2",
    ]


def _score(
    ctx: StageContext,
    entries: list[dict[str, Any]],
    started: float,
    died_with: int | None,
    database: Database | None = None,
    cpu: tuple[float, CpuSource] | None = None,
    failures: list[LoadFailure] | None = None,
) -> StageResult:
    spec = ctx.assignment.spec.stages.load
    assert spec is not None
    duration = measured_duration(entries, float(spec.duration_seconds))
    rows = load_rounds.with_cpu(endpoint_figures(entries, duration), cpu[0] if cpu else None)
    per_weight = spec.points / sum(s.weight for s in spec.slos)
    checks = [judge(slo, rows, per_weight, counted(database)) for slo in spec.slos]
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
        cpu_source=cpu[1] if cpu else None,
        failures=failures or [],
    )
    score = sum(c.score for c in checks) if died_with is None else 0.0
    exited: StageCause | None = "service-exited" if died_with is not None else None
    log = "\n".join(database.probe_errors[:10]) if database else ""
    return result(
        "load", status, score, spec.points, started, message, checks=checks, load=metrics,
        cause=exited, log_excerpt=log,
    )  # fmt: skip
