"""Stage `install`: an isolated environment for the submission, cached by its pinned dependencies.

Only `name==version` pins resolved to prebuilt wheels from the package index are installed
(graders.model.requirements refuses everything else, line by line, before uv sees it). uv runs with
no configuration but the grader's (`--no-config`, outside the submission), so nothing in the
submission can point it at another index, a local wheel or a build. The project itself is
never installed; its code is imported from the working copy.

A cached environment is the grader's: built by it, read-only to every sandbox uid, and checked
against the digest taken when it was built before each reuse (a changed one is rebuilt).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import time
import uuid
from pathlib import Path

from basis.procs import Limits
from graders.model.report import StageResult
from graders.model.requirements import DependencyRefused, Pin, read_pins
from graders.running import tools
from graders.running.interpreters import PythonUnavailable, interpreter_for
from graders.running.process import clean_env, run_cmd
from graders.running.workspace import cache_root
from graders.stages.context import StageContext, SubmissionEnv, result

READY_MARKER = ".classroom-ready"


class InstallFailed(Exception):
    """The submission's dependencies could not be installed; the message says why."""


# Compiled when an environment is first reused: it is read-only to the learner's processes,
# which run with PYTHONDONTWRITEBYTECODE, so without bytecode every one of them (the service,
# each run of the tests) compiles every module it imports from source again (importing
# tasks-api's app: 1.46 s of CPU from source, 0.62 s compiled). Not at build: an environment
# built for one grading (a practice grade on a fresh runner) would pay more than it saves.
COMPILED_MARKER = ".classroom-compiled"


def environment_key(pins: list[Pin], extra: list[str], interpreter: Path) -> str:
    """A hash of everything that decides what the environment holds."""
    decided = [[p.text for p in pins], extra, str(interpreter.resolve()), tools.PINNED]
    return hashlib.sha256(json.dumps(decided).encode()).hexdigest()[:24]


def run(ctx: StageContext) -> tuple[StageResult, SubmissionEnv | None]:
    """Build (or reuse) the environment; the env is None when the install failed."""
    started = time.monotonic()
    spec = ctx.assignment.spec.stages.install
    try:
        env, how = ensure_environment(ctx, spec.extra_requirements)
    except InstallFailed as exc:
        return result(
            "install", "failed", 0, spec.points, started, str(exc), cause="not-installed"
        ), None
    except PythonUnavailable as exc:
        return result(
            "install", "error", 0, spec.points, started, str(exc), cause="python-unavailable"
        ), None
    on = f"Python {ctx.assignment.spec.python}, " if ctx.assignment.spec.python else ""
    return result(
        "install", "passed", spec.points, spec.points, started,
        f"dependencies installed ({on}{how})",
    ), env  # fmt: skip


def ensure_environment(ctx: StageContext, extra: list[str]) -> tuple[SubmissionEnv, str]:
    """The cached environment for these pins (and how it was had), built under a lock if new."""
    try:
        pins = read_pins(ctx.submission)
    except DependencyRefused as exc:
        raise InstallFailed(str(exc)) from exc
    interpreter = interpreter_for(ctx.assignment.spec.python)
    key = environment_key(pins, extra, interpreter)
    envs = cache_root() / "envs"
    envs.mkdir(exist_ok=True, mode=0o755)
    target, digest_file = envs / key, envs / f"{key}.digest"
    with (envs / f"{key}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        how = "built a fresh environment"
        if (target / READY_MARKER).exists():
            if digest_file.is_file() and digest_file.read_text() == tree_digest(target):
                if not (target / COMPILED_MARKER).exists():
                    compile_environment(target, interpreter, ctx.work, ctx.limits("install"))
                    digest_file.write_text(tree_digest(target))
                return SubmissionEnv(
                    python=target / "bin" / "python", reused=True
                ), "reused the cached environment"
            how = "rebuilt: the cached environment had changed since it was built"
        building = envs / f"{key}.build-{uuid.uuid4().hex[:8]}"
        try:
            _build(ctx, building, interpreter, [*(p.text for p in pins), *extra])
            shutil.rmtree(target, ignore_errors=True)
            building.rename(target)
            digest_file.write_text(tree_digest(target))
        finally:
            shutil.rmtree(building, ignore_errors=True)
    return SubmissionEnv(python=target / "bin" / "python"), how


def tree_digest(folder: Path) -> str:
    """A hash of every path, mode, link target and file content under `folder`."""
    digest = hashlib.sha256()
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames.sort()
        for name in sorted(filenames) + [d for d in dirnames if (Path(dirpath) / d).is_symlink()]:
            path = Path(dirpath) / name
            info = path.lstat()
            digest.update(f"{path.relative_to(folder)}\0{info.st_mode:o}\0".encode())
            if path.is_symlink():
                digest.update(str(path.readlink()).encode())
            else:
                with path.open("rb") as handle:
                    digest.update(hashlib.file_digest(handle, "sha256").digest())
    return digest.hexdigest()


def _build(ctx: StageContext, folder: Path, interpreter: Path, requirements: list[str]) -> None:
    uv = tools.executable("uv")
    env = clean_env({**network_settings(), "UV_PYTHON_DOWNLOADS": "never"}, home=ctx.work)
    limits = ctx.limits("install")
    wanted = ctx.work / "install-requirements.txt"  # written by the grader from checked pins
    wanted.write_text("".join(f"{line}\n" for line in requirements))
    common = ["--no-config", "--quiet"]
    steps = [
        [uv, "venv", *common, "--python", str(interpreter), str(folder)],
        [
            uv,
            "pip",
            "install",
            *common,
            "--no-build",
            "--python",
            str(folder / "bin" / "python"),
            "-r",
            str(wanted),
            *tools.PINNED_IN_SUBMISSION_ENV,
        ],
    ]
    for argv in steps:
        outcome = run_cmd(argv, cwd=ctx.work, env=env | _uv_cache_env(), limits=limits)
        if outcome.timed_out:
            raise InstallFailed(
                f"installing dependencies took longer than "
                f"{limits.timeout_seconds:.0f} s; pin fewer or lighter packages"
            )
        if not outcome.ok:
            raise InstallFailed(
                "could not install the dependencies:\n" + tools.tail(outcome.output, 30)
            )
    _readable_by_all_writable_by_none(folder)
    (folder / READY_MARKER).write_text("ok\n")


def compile_environment(folder: Path, interpreter: Path, work: Path, limits: Limits) -> None:
    """Bytecode for every module of the environment, by the interpreter it was made from
    (`-I -S`: no `site`, so no `.pth` file of its wheels runs; compiling runs no module).
    A module that does not compile only stays uncompiled."""
    site = [str(p) for p in sorted(folder.glob("lib/python*/site-packages"))]
    run_cmd(
        [str(interpreter), "-I", "-S", "-m", "compileall", "-q", "-j", "0", *site],
        cwd=work,
        env=clean_env(),
        limits=limits,
    )
    _readable_by_all_writable_by_none(folder)
    (folder / COMPILED_MARKER).write_text("ok\n")


def _readable_by_all_writable_by_none(folder: Path) -> None:
    """Whatever the grader's umask: sandbox uids may read and run the env, never change it."""
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in [*dirnames, *filenames]:
            path = Path(dirpath) / name
            if not path.is_symlink():
                mode = path.stat().st_mode
                path.chmod((mode | 0o444 | (0o111 if mode & 0o100 else 0)) & ~0o022)
    folder.chmod(0o755)


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
    "UV_FIND_LINKS",
    "UV_NATIVE_TLS",
    "UV_OFFLINE",
)


def network_settings() -> dict[str, str]:
    """The grader's package-index and TLS settings (never tokens), for uv to reach an index."""
    return {name: os.environ[name] for name in NETWORK_SETTINGS if name in os.environ}


def _uv_cache_env() -> dict[str, str]:
    return {"UV_CACHE_DIR": str(cache_root() / "uv")}
