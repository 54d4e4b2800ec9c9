"""The load stage with the reference solution beside the submission (graders.model.load_reference).

Both services are started for the whole stage, each as the learner's always is: its own
seeded data folder, its own network namespace (only loopback), limits, a private view of the
filesystem, and each its own sandbox uid: the submission cannot see, reach, signal or read
the reference. Locust then measures them alternately in short rounds; while one is measured
the other is paused (graders.running.cpu_time), so a service that burns CPU while it is not asked
anything slows nobody but itself.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from basis.procs import Limits
from graders.model.load_reference import (
    Which,
    judge_against_reference,
    median_rows,
    pair_order,
    raised_goals,
    round_seconds,
    undecided,
)
from graders.model.loadstats import (
    AGGREGATED,
    database_findings,
    endpoint_figures,
    failure_kinds,
    measured_duration,
    merge_failures,
)
from graders.model.report import (
    EndpointLoad,
    LoadFailure,
    LoadMetrics,
    LoadRound,
    StageCause,
    StageResult,
    Status,
)
from graders.running.containment import detect
from graders.running.cpu_time import (
    CpuSource,
    ServiceMeter,
    children_cpu_seconds,
    machine_busy_seconds,
    tree_cpu_seconds,
)
from graders.running.interpreters import PythonUnavailable
from graders.running.isolation import own_uid
from graders.running.process import clean_env, run_cmd
from graders.running.service import RunningService, ServiceDidNotStart, running_service
from graders.stages.context import StageContext, result
from graders.stages.install import InstallFailed, ensure_environment
from graders.stages.load_database import Database, counted, database_of, statements_so_far

LocustArgv = Callable[[str, Path, int], list[str]]  # (host, output prefix, seconds) → argv
GRACE_SECONDS = 45


class ReferenceUnavailable(Exception):
    """The reference solution could not be measured: the instructor's material to fix."""


class RoundFailed(Exception):
    """Locust did not finish one round; `log` shows why."""

    def __init__(self, log: str) -> None:
        super().__init__("Locust did not finish; the grader could not measure the service")
        self.log = log


@dataclasses.dataclass
class Measured:
    """Everything the rounds measured."""

    rounds: list[LoadRound] = dataclasses.field(default_factory=list)
    died_with: int | None = None
    cpu_source: CpuSource | None = None
    database: Database | None = None  # the submission's own PostgreSQL, when it has one


def run(ctx: StageContext, solution: Path, locust: LocustArgv, limits: Limits) -> StageResult:
    """The stage, judged against `solution` measured in the same job."""
    started = time.monotonic()
    spec = ctx.assignment.spec.stages.load
    assert spec is not None
    try:
        measured = _measure(ctx, solution, locust, _longer(limits, spec.reference.rounds))
    except ServiceDidNotStart as exc:
        return result(
            "load", "error", 0, spec.points, started, str(exc), log_excerpt=exc.log,
            cause=exc.cause,
        )  # fmt: skip
    except ReferenceUnavailable as exc:
        return result(
            "load", "error", 0, spec.points, started,
            f"the reference solution could not be measured (the instructor's to fix): {exc}",
            cause="bad-material",
        )  # fmt: skip
    except RoundFailed as exc:
        return result(
            "load", "error", 0, spec.points, started, str(exc), log_excerpt=exc.log[-4000:],
            cause="tool-failed",
        )  # fmt: skip
    return score(ctx, measured, started)


def _longer(limits: Limits, rounds: int) -> Limits:
    """The services outlive every round of both."""
    return dataclasses.replace(
        limits, timeout_seconds=limits.timeout_seconds + 2 * rounds * GRACE_SECONDS
    )


def _measure(ctx: StageContext, solution: Path, locust: LocustArgv, limits: Limits) -> Measured:
    spec = ctx.assignment.spec.stages.load
    app = ctx.assignment.spec.app
    assert spec is not None and app is not None
    with contextlib.ExitStack() as stack:
        mine = stack.enter_context(
            running_service(app, name="load", ctx=ctx, extra_env=spec.env, limits=limits)
        )
        before = statements_so_far(mine)
        theirs = stack.enter_context(_reference_service(ctx, solution, limits))
        meters: dict[Which, ServiceMeter] = {"submission": ServiceMeter(mine.process.proc.pid)}
        stack.callback(meters["submission"].close)
        meters["reference"] = ServiceMeter(theirs.process.proc.pid)
        stack.callback(meters["reference"].close)
        services: dict[Which, RunningService] = {"submission": mine, "reference": theirs}
        measured = Measured(cpu_source=meters["submission"].source)
        seconds = round_seconds(spec.duration_seconds, spec.reference.rounds)
        for index in range(spec.reference.max_rounds):
            if index >= spec.reference.rounds and not _undecided(ctx, measured):
                break
            for which in pair_order(index):
                other: Which = "reference" if which == "submission" else "submission"
                with meters[other].paused():
                    one = _round(ctx, services[which], meters[which], locust, seconds, index, which)
                measured.rounds.append(one)
            if not mine.process.alive():
                measured.died_with = mine.process.proc.returncode
                break
        if before is not None and measured.died_with is None:
            measured.database = database_of(ctx, mine, before)
        return measured
    raise AssertionError("unreachable")  # pragma: no cover


@contextlib.contextmanager
def _reference_service(
    ctx: StageContext, solution: Path, limits: Limits
) -> Iterator[RunningService]:
    """The reference solution's service, contained as the submission's is, as another uid."""
    spec, app = ctx.assignment.spec.stages.load, ctx.assignment.spec.app
    assert spec is not None and app is not None
    try:
        env, _ = ensure_environment(
            dataclasses.replace(ctx, submission=solution),
            ctx.assignment.spec.stages.install.extra_requirements,
        )
    except (InstallFailed, PythonUnavailable) as exc:
        raise ReferenceUnavailable(f"its dependencies did not install: {exc}") from exc
    uids = own_uid(detect()) if ctx.uid is not None else contextlib.nullcontext(None)
    with uids as uid:
        theirs = dataclasses.replace(ctx, submission=solution, env=env, uid=uid)
        try:
            with running_service(
                app, name="load-reference", ctx=theirs, extra_env=spec.env, limits=limits
            ) as service:
                yield service
        except ServiceDidNotStart as exc:
            raise ReferenceUnavailable(f"its service did not start: {exc}") from exc


def _undecided(ctx: StageContext, measured: Measured) -> bool:
    spec = ctx.assignment.spec.stages.load
    assert spec is not None
    mine = [r for r in measured.rounds if r.service == "submission"]
    theirs = [r for r in measured.rounds if r.service == "reference"]
    tolerance = spec.reference.tolerance
    return any(undecided(slo, mine, theirs, tolerance) for slo in spec.slos)


def _round(
    ctx: StageContext,
    service: RunningService,
    meter: ServiceMeter,
    locust: LocustArgv,
    seconds: int,
    index: int,
    which: Which,
) -> LoadRound:
    out = ctx.work / f"locust-{which}-{index}"
    before = meter.cpu_seconds()
    machine = MachineShare(service)
    outcome = run_cmd(
        locust(service.base_url, out, seconds),
        cwd=ctx.work,
        env=clean_env(home=ctx.work),
        limits=Limits(timeout_seconds=seconds + GRACE_SECONDS),
        netns=service.netns,
    )
    spent = meter.cpu_seconds() - before
    stats = Path(f"{out}.json")
    if outcome.timed_out or not stats.is_file():
        raise RoundFailed(outcome.output)
    entries = json.loads(stats.read_text())
    duration = measured_duration(entries, float(seconds))
    rows = with_cpu(endpoint_figures(entries, duration), spent)
    return LoadRound(
        service=which,
        duration_seconds=round(duration, 2),
        endpoints=rows,
        foreign_cores=machine.foreign_cores(spent),
        failures=failures_of(out),
    )


def failures_of(out: Path) -> list[LoadFailure]:
    """What failed in the Locust run written to `out` (`--csv out`), by kind."""
    table = Path(f"{out}_failures.csv")
    return failure_kinds(table.read_text(errors="replace")) if table.is_file() else []


class MachineShare:
    """How much of the machine others took while one round ran: the CPU every core spent,
    less the measured service's, its databases' and Locust's (the grader's child), per
    second of the round. Two rounds that saw different loads were not measured alike."""

    def __init__(self, service: RunningService) -> None:
        postgres = service.backing.postgres if service.backing else None
        self._database = postgres.server_pid if postgres else 0
        self._started = time.monotonic()
        self._busy = machine_busy_seconds()
        self._children = children_cpu_seconds()
        self._database_cpu = self._database_seconds()

    def foreign_cores(self, service_cpu: float) -> float | None:
        """Cores' worth of CPU that others used during the round (None: not measurable)."""
        busy = machine_busy_seconds()
        wall = time.monotonic() - self._started
        if busy is None or self._busy is None or wall <= 0:
            return None
        ours = (
            service_cpu
            + children_cpu_seconds() - self._children
            + self._database_seconds() - self._database_cpu
        )  # fmt: skip
        return round(max(0.0, busy - self._busy - ours) / wall, 2)

    def _database_seconds(self) -> float:
        return tree_cpu_seconds(self._database) if self._database else 0.0


def with_cpu(rows: list[EndpointLoad], cpu_seconds: float | None) -> list[EndpointLoad]:
    """The Aggregated row with the service's CPU milliseconds per request it answered."""
    return [
        row.model_copy(update={"cpu_ms": round(1000 * cpu_seconds / row.requests, 3)})
        if row.endpoint == AGGREGATED and row.requests and cpu_seconds is not None
        else row
        for row in rows
    ]


def score(ctx: StageContext, measured: Measured, started: float) -> StageResult:
    """Every SLO judged on the submission's medians, latency goals against the reference's."""
    spec = ctx.assignment.spec.stages.load
    assert spec is not None
    mine = median_rows([r for r in measured.rounds if r.service == "submission"])
    theirs = median_rows([r for r in measured.rounds if r.service == "reference"])
    per_weight = spec.points / sum(s.weight for s in spec.slos)
    tolerance = spec.reference.tolerance
    statements = counted(measured.database)
    checks = [
        judge_against_reference(s, mine, theirs, tolerance, per_weight, statements)
        for s in spec.slos
    ]
    met = sum(c.status == "passed" for c in checks)
    died_with = measured.died_with
    message = f"{met} of {len(checks)} service-level goals met, judged against the reference"
    if died_with is not None:
        message += f"; the service exited (code {died_with}) during the load test"
    database = measured.database
    message += "".join(f"; {f}" for f in (database_findings(database.use) if database else []))
    status: Status = "passed" if met == len(checks) and died_with is None else "failed"
    seconds = sum(r.duration_seconds for r in measured.rounds if r.service == "submission")
    metrics = LoadMetrics(
        users=spec.users, duration_seconds=round(seconds, 1), endpoints=mine,
        judging="reference", tolerance=tolerance, reference_endpoints=theirs,
        rounds=measured.rounds, cpu_source=measured.cpu_source,
        raised=[r for slo in spec.slos for r in raised_goals(slo, theirs, tolerance)],
        statements=database.statements if database else [],
        database=database.use if database else None,
        failures=merge_failures(r.failures for r in measured.rounds if r.service == "submission"),
    )  # fmt: skip
    exited: StageCause | None = "service-exited" if died_with is not None else None
    score_ = sum(c.score for c in checks) if died_with is None else 0.0
    log = "\n".join(database.probe_errors[:10]) if database else ""
    return result(
        "load", status, score_, spec.points, started, message, checks=checks, load=metrics,
        cause=exited, log_excerpt=log,
    )  # fmt: skip
