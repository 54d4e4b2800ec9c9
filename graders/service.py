"""Start the learner's service on a free loopback port, wait for health, always stop it."""

from __future__ import annotations

import contextlib
import shlex
import socket
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import httpx

from graders.assignment import AppSpec
from graders.process import CommandResult, Limits, Spawned, clean_env, run_cmd
from graders.stages.context import SubmissionEnv
from graders.workspace import private_copy, scratch_dir


class ServiceDidNotStart(Exception):
    """The service never answered its health endpoint; the message says what was seen."""


@dataclass(frozen=True)
class RunningService:
    base_url: str
    process: Spawned


def free_port() -> int:
    """A port nobody listens on right now (the service binds it a moment later)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def fill(template: str, values: Mapping[str, str]) -> str:
    """Replace `{port}` and `{data}` (and nothing else: learner text never becomes a template)."""
    for key, value in values.items():
        template = template.replace("{" + key + "}", value)
    return template


@contextlib.contextmanager
def running_service(
    app: AppSpec,
    *,
    submission: Path,
    work: Path,
    name: str,
    env: SubmissionEnv,
    extra_env: Mapping[str, str],
    limits: Limits,
) -> Iterator[RunningService]:
    """The service, healthy, for the duration of the `with` block; stopped on any exit."""
    copy = private_copy(submission, work, f"{name}-app")
    data = scratch_dir(work, f"{name}-data")
    port = free_port()
    values = {"port": str(port), "data": str(data)}
    variables = {k: fill(v, values) for k, v in {**app.env, **extra_env}.items()}
    process_env = clean_env(
        {**variables, "PORT": str(port), "HOST": "127.0.0.1"}, path_prefix=[env.bin], home=data
    )
    if app.seed:
        _seed(fill(app.seed, values), copy, process_env, limits, env)
    argv = _resolve(shlex.split(fill(app.start, values)), env)
    process = Spawned(argv, cwd=copy, env=process_env, limits=limits)
    try:
        base_url = f"http://127.0.0.1:{port}"
        _wait_healthy(process, base_url + app.health_path, app.startup_timeout_seconds)
        yield RunningService(base_url=base_url, process=process)
    finally:
        process.stop()


def _resolve(argv: list[str], env: SubmissionEnv) -> list[str]:
    """A leading `python` or `uvicorn` means the submission environment's own."""
    if not argv:
        raise ServiceDidNotStart("the assignment's start command is empty")
    candidate = env.bin / argv[0]
    if "/" not in argv[0] and candidate.exists():
        return [str(candidate), *argv[1:]]
    return argv


def _seed(
    command: str, cwd: Path, env: dict[str, str], limits: Limits, submission_env: SubmissionEnv
) -> CommandResult:
    argv = _resolve(shlex.split(command), submission_env)
    outcome = run_cmd(argv, cwd=cwd, env=env, limits=limits, untrusted=True)
    if not outcome.ok:
        why = "timed out" if outcome.timed_out else f"exited with code {outcome.returncode}"
        raise ServiceDidNotStart(f"the seed command `{command}` {why}:\n" + outcome.output[-2000:])
    return outcome


def _wait_healthy(process: Spawned, url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    last = "no answer"
    with httpx.Client(timeout=2.0) as client:
        while time.monotonic() < deadline:
            if not process.alive():
                raise ServiceDidNotStart(
                    f"the service exited with code {process.proc.returncode} before it answered "
                    f"{url}; its output:\n{process.output[-2000:]}"
                )
            try:
                response = client.get(url)
                if response.status_code == 200:
                    return
                last = f"HTTP {response.status_code}"
            except httpx.HTTPError as exc:
                last = type(exc).__name__
            time.sleep(0.1)
    raise ServiceDidNotStart(
        f"the service did not answer {url} with 200 within {timeout:.0f} s (last: {last}); "
        f"its output:\n{process.output[-2000:]}"
    )
