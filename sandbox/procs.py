"""The one gateway for subprocesses (git, act): a timeout, an output cap, a clean error."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

OUTPUT_CAP = 50 * 1024 * 1024


class CommandFailed(Exception):
    """A subprocess exited non-zero or ran out of time."""

    def __init__(self, args: Sequence[str], code: int, stderr: bytes) -> None:
        super().__init__(
            f"{' '.join(args)} exited {code}: {stderr[-2000:].decode(errors='replace')}"
        )
        self.code = code
        self.stderr = stderr


def run_cmd(
    args: Sequence[str],
    *,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    stdin: bytes = b"",
    timeout: float = 60,
    check: bool = True,
) -> subprocess.CompletedProcess[bytes]:
    """Run `args` to completion; raise CommandFailed on a non-zero exit when `check`."""
    try:
        proc = subprocess.run(
            list(args),
            cwd=cwd,
            env=dict(env) if env is not None else None,
            input=stdin,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise CommandFailed(args, -1, b"timed out after %d s" % timeout) from exc
    proc.stdout = proc.stdout[:OUTPUT_CAP]
    if check and proc.returncode != 0:
        raise CommandFailed(args, proc.returncode, proc.stderr)
    return proc


class Cancelled(Exception):
    """A cancellable command was stopped on request."""


def run_cancellable(
    args: Sequence[str],
    *,
    cancel: threading.Event,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 60,
) -> subprocess.CompletedProcess[bytes]:
    """Run `args` in its own process group; kill the group on `cancel` (Cancelled) or on
    timeout (CommandFailed). Output goes to temp files, so a chatty child never blocks."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(
            list(args),
            cwd=cwd,
            env=dict(env) if env is not None else None,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while proc.poll() is None:
            if cancel.wait(0.2) or time.monotonic() > deadline:
                _kill_group(proc)
                if cancel.is_set():
                    raise Cancelled(" ".join(args))
                raise CommandFailed(args, -1, b"timed out after %d s" % timeout)
        out.seek(0)
        err.seek(0)
        return subprocess.CompletedProcess(
            list(args), proc.returncode, out.read(OUTPUT_CAP), err.read(OUTPUT_CAP)
        )


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
