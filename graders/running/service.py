"""Start the learner's service on loopback, wait for health, always stop it.

Under full containment the service lives in a network namespace of its own (only loopback):
its seed command runs with no network at all, and everything the grader sends it (the health
probe, the hidden checks, Locust) runs inside that namespace (`RunningService.netns`). The
`[app] instances` of the service (copies of its start command, each on a port of its own) and
the commands of `[app] workers` (a queue's worker process) run beside it, in the same sandbox
and namespace with the same environment; the workers are kept running
(graders.running.workers), and everything stops with the service.
"""

from __future__ import annotations

import contextlib
import shlex
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from basis.procs import CommandResult, Limits
from graders.model.assignment import AppSpec
from graders.model.causes import cause_line, failed_because
from graders.model.report import StageCause
from graders.running.containment import detect
from graders.running.health_probe import probe
from graders.running.isolation import service_network
from graders.running.process import Spawned, Untrusted, clean_env, run_cmd
from graders.running.service_view import ServiceLog, start_command_pid
from graders.running.services import Backing, ServicesUnavailable, backing_services, fill, free_port
from graders.running.upstreams import UpstreamDidNotStart, Upstreams, running_upstreams
from graders.running.workers import Supervisor, WorkerDidNotStart
from graders.running.workspace import private_copy, scratch_dir
from graders.stages.context import StageContext, SubmissionEnv


class ServiceDidNotStart(Exception):
    """The service never answered its health endpoint: a one-line message with the cause,
    and `log`, the output that shows it."""

    def __init__(
        self, message: str, cause: StageCause = "service-unhealthy", log: str = ""
    ) -> None:
        super().__init__(message)
        self.cause: StageCause = cause
        self.log = log[-4000:]


@dataclass(frozen=True)
class RunningService:
    base_url: str
    process: Spawned
    netns: Path | None  # the grader's checks join it; None: the host's loopback
    backing: Backing | None = None  # the databases of `[app.services]`, when it has any
    workers: Supervisor | None = None  # `[app] workers`, when it has any
    # Every instance's address (`[app] instances`), base_url's first; the hidden checks get all.
    base_urls: tuple[str, ...] = ()
    upstreams: Upstreams = field(default_factory=Upstreams)  # `[app.upstreams]`, in its netns
    # Each instance's start-command process and output file (graders.running.service_view).
    pids: tuple[int, ...] = ()
    logs: tuple[Path, ...] = ()


@contextlib.contextmanager
def running_service(
    app: AppSpec,
    *,
    name: str,
    ctx: StageContext,
    extra_env: Mapping[str, str],
    limits: Limits,
    keep_output: bool = False,
) -> Iterator[RunningService]:
    """The service, healthy, for the duration of the `with` block; stopped on any exit.

    The databases of `[app.services]` start first and stop last (graders.running.services).
    With `keep_output` each instance's output is also copied into a file (`logs`), for checks
    that read what it printed: only the hidden stage's do."""
    env = ctx.env
    assert env is not None
    with contextlib.ExitStack() as stack:
        backing = _start_backing(app, stack)
        copy = private_copy(ctx.submission, ctx.work, f"{name}-app", ctx.uid)
        data = scratch_dir(ctx.work, f"{name}-data", ctx.uid)
        netns = stack.enter_context(service_network(detect()))
        upstreams = _start_upstreams(ctx, netns, stack)
        shared = {"data": str(data)} | (backing.placeholders() if backing else {})
        shared |= upstreams.placeholders()
        sockets = (backing.sockets,) if backing else ()

        def instance(port: int) -> tuple[dict[str, str], dict[str, str]]:
            """The placeholders' values and the environment of the instance on `port` (its
            `{instance}` is its number, from 1: a hash seed of its own, for one)."""
            values = shared | {"port": str(port), "instance": str(ports.index(port) + 1)}
            variables = {k: fill(v, values) for k, v in {**app.env, **extra_env}.items()}
            process_env = clean_env(
                {**variables, "PORT": str(port), "HOST": "127.0.0.1"},
                path_prefix=[env.bin],
                home=data,
            )
            return values, process_env

        ports = _free_ports(app.instances)
        values, process_env = instance(ports[0])
        if app.seed:
            seeding = ctx.untrusted(copy, data, readable=sockets)
            _seed(fill(app.seed, values), copy, process_env, limits, seeding, env)

        def spawn(command: str, port: int = ports[0], log: ServiceLog | None = None) -> Spawned:
            values, process_env = instance(port)
            return Spawned(
                _resolve(shlex.split(fill(command, values)), env),
                cwd=copy,
                env=process_env,
                limits=limits,
                untrusted=ctx.untrusted(copy, data, netns=netns, readable=sockets),
                observe=log.write if log is not None else None,
            )

        processes, logs = [], []
        for number, port in enumerate(ports, start=1):
            log = ServiceLog(ctx.work / f"{name}-instance-{number}.log") if keep_output else None
            if log is not None:
                logs.append(log)
                stack.callback(log.close)
            processes.append(spawn(app.start, port, log))
            stack.callback(processes[-1].stop)
        workers = None
        if app.workers:
            workers = Supervisor(app.workers, spawn, ctx.work / f"{name}-workers.json")
            stack.callback(workers.stop)
        base_urls = tuple(f"http://127.0.0.1:{port}" for port in ports)
        for process, base_url in zip(processes, base_urls, strict=True):
            _wait_healthy(process, base_url + app.health_path, app.startup_timeout_seconds, netns)
        if workers is not None:
            try:
                workers.settle()
            except WorkerDidNotStart as exc:
                raise ServiceDidNotStart(str(exc), "service-exited", log=exc.log) from exc
        yield RunningService(
            base_url=base_urls[0],
            process=processes[0],
            netns=netns,
            backing=backing,
            workers=workers,
            base_urls=base_urls,
            upstreams=upstreams,
            pids=tuple(start_command_pid(p.proc.pid, ctx.uid) for p in processes),
            logs=tuple(log.path for log in logs),
        )


def _free_ports(count: int) -> list[int]:
    """`count` different free ports (one per instance of the service)."""
    ports: list[int] = []
    while len(ports) < count:
        port = free_port()
        if port not in ports:
            ports.append(port)
    return ports


def _start_backing(app: AppSpec, stack: contextlib.ExitStack) -> Backing | None:
    """The assignment's databases, stopped when `stack` closes; a stage error if they can't."""
    try:
        return stack.enter_context(backing_services(app.services))
    except ServicesUnavailable as exc:
        raise ServiceDidNotStart(str(exc), "services-unavailable") from exc


def _start_upstreams(
    ctx: StageContext, netns: Path | None, stack: contextlib.ExitStack
) -> Upstreams:
    """The assignment's upstreams, stopped when `stack` closes; a stage error if they can't."""
    app = ctx.assignment.spec.app
    assert app is not None
    try:
        return stack.enter_context(
            running_upstreams(app.upstreams, ctx.assignment.root, netns, ctx.work)
        )
    except UpstreamDidNotStart as exc:
        raise ServiceDidNotStart(str(exc), "services-unavailable") from exc


def _resolve(argv: list[str], env: SubmissionEnv) -> list[str]:
    """A leading `python` or `uvicorn` means the submission environment's own."""
    if not argv:
        raise ServiceDidNotStart("the assignment's start command is empty")
    candidate = env.bin / argv[0]
    if "/" not in argv[0] and candidate.exists():
        return [str(candidate), *argv[1:]]
    return argv


def _seed(
    command: str,
    cwd: Path,
    env: dict[str, str],
    limits: Limits,
    untrusted: Untrusted,
    submission_env: SubmissionEnv,
) -> CommandResult:
    argv = _resolve(shlex.split(command), submission_env)
    outcome = run_cmd(argv, cwd=cwd, env=env, limits=limits, untrusted=untrusted)
    if not outcome.ok:
        raise ServiceDidNotStart(
            failed_because(
                f"the seed command `{command}`",
                outcome.returncode,
                outcome.timed_out,
                outcome.output,
            ),
            "timed-out" if outcome.timed_out else "service-exited",
            log=outcome.output,
        )
    return outcome


def _wait_healthy(process: Spawned, url: str, timeout: float, netns: Path | None) -> None:
    deadline = time.monotonic() + timeout
    last = "no answer"
    while time.monotonic() < deadline:
        if not process.alive():
            said = cause_line(process.output) or "it printed nothing"
            raise ServiceDidNotStart(
                f"the service exited with code {process.proc.returncode} before it answered "
                f"{url}: {said}",
                "service-exited",
                log=process.output,
            )
        status = probe(url, netns, budget=min(1.0, max(0.1, deadline - time.monotonic())))
        if status == "HTTP 200":
            return
        last = status
    raise ServiceDidNotStart(
        f"the service did not answer {url} with 200 within {timeout:.0f} s (last: {last})",
        log=process.output,
    )
