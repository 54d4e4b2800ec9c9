"""What the servers the grader starts beside the learner's service share (graders.running.services):
a folder of their own uid, a way to run as that uid, a clean stop."""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Callable
from pathlib import Path

from basis.procs import CommandResult, Limits
from graders.running.containment import detect
from graders.running.process import Spawned, clean_env, run_cmd

START_SECONDS = 30.0
FOREVER = Limits(timeout_seconds=24 * 3600, output_bytes=64 * 1024)  # they stop with the stage
ADMIN = Limits(timeout_seconds=60, output_bytes=1024 * 1024)


class ServicesUnavailable(Exception):
    """A service the assignment asks for cannot start here; the message says what to do."""


def owned_dir(path: Path, uid: int | None, mode: int) -> Path:
    path.mkdir(mode=0o700)
    if uid is not None:
        os.chown(path, uid, uid)
    path.chmod(mode)
    return path


def run_as(uid: int | None, folder: Path, argv: list[str]) -> list[str]:
    """`argv` run as the services' uid. PostgreSQL needs a name for its uid: a leased uid has
    no passwd entry, so it sees the host's /etc/passwd with one line added, through bwrap."""
    if uid is None:
        return argv
    caps = detect()
    assert caps.bwrap is not None and caps.setpriv is not None
    passwd = folder / "passwd"
    if not passwd.exists():
        host = Path("/etc/passwd").read_text(encoding="utf-8")
        passwd.write_text(f"{host.rstrip()}\nclassroom-db:x:{uid}:{uid}::/nonexistent:/bin/false\n")
        passwd.chmod(0o644)
    view = [caps.bwrap, "--dev-bind", "/", "/", "--ro-bind", str(passwd), "/etc/passwd",
            "--die-with-parent", "--"]  # fmt: skip
    user = [caps.setpriv, f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--"]
    return [*view, *user, *argv]


def write_private(path: Path, text: str, uid: int | None) -> None:
    path.touch(mode=0o600)
    path.write_text(text, encoding="utf-8")
    if uid is not None:
        os.chown(path, uid, uid)


def admin(argv: list[str], env: dict[str, str] | None = None) -> CommandResult:
    outcome = run_cmd(argv, cwd=Path("/"), env=env or clean_env(), limits=ADMIN)
    if not outcome.ok:
        raise ServicesUnavailable(f"{Path(argv[0]).name} failed: {outcome.output.strip()[-600:]}")
    return outcome


def stop_server(server: Spawned, ask: Callable[[], object], grace: float = 10.0) -> None:
    """Ask the server to shut down cleanly; kill it and its wrapper if it has not in `grace`."""
    if server.alive():
        ask()
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.proc.wait(timeout=grace)
    server.stop()
