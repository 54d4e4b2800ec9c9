"""The databases the grader starts beside the learner's service: PostgreSQL and Redis.

One gateway for both. Each stage that starts the learner's service (hidden, load) gets a
fresh pair, torn down when the stage ends, however it ends:
- they run as a uid of their own (a second lease from graders.running.isolation), never root and
  never the learner's uid, from a folder only that uid can read (data, passwords, config);
- they listen on unix sockets only (no TCP), in a folder the learner's private view binds
  read-only: a socket crosses the service's network namespace, where loopback would not;
- PostgreSQL authenticates every connection by password (scram-sha-256). The learner's role
  owns one database and is no superuser; the superuser's password is the grader's alone, and
  pg_stat_statements lives only in the grader's own database, which the learner's role cannot
  connect to: it can neither read nor reset the counters the grade is judged on;
- Redis answers only to the per-grading password given in `{redis_url}`, and the commands
  that would make it connect out, load code or rewrite its files are gone;
- both run in the foreground as processes of graders.running.process, so an interrupted grading
  kills them with everything else, and the services uid's release kills any straggler.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from basis import watchdog
from graders.model.assignment import Services
from graders.running.backing import ServicesUnavailable, owned_dir
from graders.running.containment import Capabilities, detect
from graders.running.isolation import lease_uid
from graders.running.postgres import Postgres, postgres_bin, postgres_cluster
from graders.running.redis_server import redis_server

__all__ = [
    "Backing",
    "Postgres",
    "ServicesUnavailable",
    "backing_services",
    "fill",
    "free_port",
    "missing_binaries",
]

INSTALL = {
    "postgres": "install PostgreSQL (Debian/Ubuntu: `sudo apt-get install -y postgresql`)",
    "redis": "install Redis (Debian/Ubuntu: `sudo apt-get install -y redis-server`)",
}


@dataclass(frozen=True)
class Backing:
    """The services started for one stage, and the values their placeholders take."""

    sockets: Path  # the folder of their sockets, bound read-only into the learner's view
    postgres: Postgres | None = None
    redis_url: str | None = None

    def placeholders(self) -> dict[str, str]:
        values = {}
        if self.postgres is not None:
            values["postgres_url"] = self.postgres.url
        if self.redis_url is not None:
            values["redis_url"] = self.redis_url
        return values


@contextlib.contextmanager
def backing_services(spec: Services) -> Iterator[Backing | None]:
    """The services `spec` asks for, running, for the `with` block (None: it asks for none)."""
    wanted = spec.named()
    if not wanted:
        yield None
        return
    _refuse_missing(wanted)
    caps = detect()
    with _services_uid(caps) as uid:
        folder = Path(tempfile.mkdtemp(prefix="classroom-db-"))
        folder.chmod(0o711)  # the services' uid passes through; nobody may list it
        watchdog.watch_folder(folder)  # removed even if the grader is killed outright
        try:
            sockets = owned_dir(folder / "s", uid, 0o711)
            with contextlib.ExitStack() as stack:
                postgres = (
                    stack.enter_context(postgres_cluster(folder, sockets, uid))
                    if spec.postgres
                    else None
                )
                redis = (
                    stack.enter_context(redis_server(folder, sockets, uid)) if spec.redis else None
                )
                yield Backing(sockets=sockets, postgres=postgres, redis_url=redis)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
            watchdog.forget_folder(folder)


def missing_binaries(wanted: list[str]) -> list[str]:
    """What to install for each service in `wanted` this machine cannot start."""
    gaps = []
    if "postgres" in wanted and postgres_bin() is None:
        gaps.append(INSTALL["postgres"])
    if "redis" in wanted and shutil.which("redis-server") is None:
        gaps.append(INSTALL["redis"])
    return gaps


def _refuse_missing(wanted: list[str]) -> None:
    gaps = missing_binaries(wanted)
    if gaps:
        raise ServicesUnavailable(
            "the assignment's services cannot start on this machine: " + "; ".join(gaps)
        )


@contextlib.contextmanager
def _services_uid(caps: Capabilities) -> Iterator[int | None]:
    """A uid of their own where the grader is root (PostgreSQL refuses to run as root)."""
    if not caps.is_root:
        yield None
        return
    if caps.disabled:
        raise ServicesUnavailable(
            "PostgreSQL refuses to run as root and containment is off (CLASSROOM_CONTAINMENT="
            "none): grade as an ordinary user, or as root with containment on"
        )
    if not (caps.own_uid and caps.private_filesystem):
        raise ServicesUnavailable(
            "PostgreSQL and Redis must not run as root: install util-linux (setpriv) and "
            "bubblewrap so the grader can run them as a user of their own"
        )
    lease = lease_uid()
    try:
        yield lease.uid
    finally:
        lease.release()


def free_port() -> int:
    """A port nobody listens on right now (the service binds it a moment later)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def fill(template: str, values: Mapping[str, str]) -> str:
    """Replace `{port}`, `{data}`, `{instance}`, `{postgres_url}`, `{redis_url}` (and nothing
    else: learner text never becomes a template)."""
    for key, value in values.items():
        template = template.replace("{" + key + "}", value)
    return template
