"""Stage `install`: an isolated environment for the submission, cached by its dependency files.

Only prebuilt wheels are installed (`--no-build`): building a source distribution would run
code the learner chose before any sandbox is in place. The project itself is never installed;
its code is imported from the working copy.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import time
import tomllib
import uuid
from pathlib import Path

from graders import tools
from graders.process import clean_env, run_cmd
from graders.report import StageResult
from graders.stages.context import StageContext, SubmissionEnv, result
from graders.workspace import cache_root, submission_interpreter

READY_MARKER = ".classroom-ready"


class InstallFailed(Exception):
    """The submission's dependencies could not be installed; the message says why."""


def dependency_spec(submission: Path) -> tuple[list[str], list[str]]:
    """(requirements-file arguments, plain requirements) for the submission's dependencies."""
    requirements = submission / "requirements.txt"
    if requirements.is_file():
        return ["-r", str(requirements)], []
    pyproject = submission / "pyproject.toml"
    if pyproject.is_file():
        try:
            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise InstallFailed(f"pyproject.toml is not valid TOML: {exc}") from exc
        deps = data.get("project", {}).get("dependencies", [])
        if not isinstance(deps, list) or not all(isinstance(d, str) for d in deps):
            raise InstallFailed("pyproject.toml: [project] dependencies must be a list of strings")
        return [], deps
    return [], []


def environment_key(submission: Path, extra: list[str], interpreter: Path) -> str:
    """A hash of everything that decides what the environment holds."""
    digest = hashlib.sha256()
    for name in ("requirements.txt", "pyproject.toml"):
        path = submission / name
        digest.update(name.encode() + b"\0" + (path.read_bytes() if path.is_file() else b""))
    digest.update(json.dumps([extra, str(interpreter.resolve()), tools.PINNED]).encode())
    return digest.hexdigest()[:24]


def run(ctx: StageContext) -> tuple[StageResult, SubmissionEnv | None]:
    """Build (or reuse) the environment; the env is None when the install failed."""
    started = time.monotonic()
    spec = ctx.assignment.spec.stages.install
    try:
        env, cached = ensure_environment(ctx, spec.extra_requirements)
    except InstallFailed as exc:
        return result("install", "failed", 0, spec.points, started, str(exc)), None
    how = "reused the cached environment" if cached else "built a fresh environment"
    return result(
        "install", "passed", spec.points, spec.points, started, f"dependencies installed ({how})"
    ), env


def ensure_environment(ctx: StageContext, extra: list[str]) -> tuple[SubmissionEnv, bool]:
    """The cached environment for this submission's dependencies, built under a lock if new."""
    interpreter = submission_interpreter()
    files, requirements = dependency_spec(ctx.submission)
    key = environment_key(ctx.submission, extra, interpreter)
    envs = cache_root() / "envs"
    envs.mkdir(exist_ok=True, mode=0o755)
    target = envs / key
    with (envs / f"{key}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (target / READY_MARKER).exists():
            return SubmissionEnv(python=target / "bin" / "python"), True
        building = envs / f"{key}.build-{uuid.uuid4().hex[:8]}"
        try:
            _build(ctx, building, interpreter, [*files, *requirements, *extra])
            shutil.rmtree(target, ignore_errors=True)
            building.rename(target)
        finally:
            shutil.rmtree(building, ignore_errors=True)
    return SubmissionEnv(python=target / "bin" / "python"), False


def _build(ctx: StageContext, folder: Path, interpreter: Path, requirements: list[str]) -> None:
    uv = tools.executable("uv")
    env = clean_env({**network_settings(), "UV_PYTHON_DOWNLOADS": "never"}, home=ctx.work)
    limits = ctx.limits("install")
    steps = [
        [uv, "venv", "--quiet", "--python", str(interpreter), str(folder)],
        [
            uv,
            "pip",
            "install",
            "--quiet",
            "--no-build",
            "--python",
            str(folder / "bin" / "python"),
            *requirements,
            *tools.PINNED_IN_SUBMISSION_ENV,
        ],
    ]
    for argv in steps:
        outcome = run_cmd(argv, cwd=ctx.submission, env=env | _uv_cache_env(), limits=limits)
        if outcome.timed_out:
            raise InstallFailed(
                f"installing dependencies took longer than "
                f"{limits.timeout_seconds:.0f} s; pin fewer or lighter packages"
            )
        if not outcome.ok:
            raise InstallFailed(
                "could not install the dependencies:\n" + tools.tail(outcome.output, 30)
            )
    (folder / READY_MARKER).write_text("ok\n")


NETWORK_SETTINGS = (
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "NO_PROXY",
    "http_proxy",
    "https_proxy",
    "no_proxy",
    "UV_INDEX_URL",
    "UV_DEFAULT_INDEX",
    "UV_EXTRA_INDEX_URL",
    "UV_NATIVE_TLS",
    "UV_OFFLINE",
)


def network_settings() -> dict[str, str]:
    """The grader's package-index and TLS settings (never tokens), for uv to reach an index."""
    return {name: os.environ[name] for name in NETWORK_SETTINGS if name in os.environ}


def _uv_cache_env() -> dict[str, str]:
    return {"UV_CACHE_DIR": str(cache_root() / "uv")}
