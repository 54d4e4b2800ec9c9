"""The databases the grader starts beside the learner's service: PostgreSQL and Redis.

One gateway for both. Each stage that starts the learner's service (hidden, load) gets a
fresh pair, torn down when the stage ends, however it ends:
- they run as a uid of their own (a second lease from graders.isolation), never root and
  never the learner's uid, from a folder only that uid can read (data, passwords, config);
- they listen on unix sockets only (no TCP), in a folder the learner's private view binds
  read-only: a socket crosses the service's network namespace, where loopback would not;
- PostgreSQL authenticates every connection by password (scram-sha-256). The learner's role
  owns one database and is no superuser; the superuser's password is the grader's alone, and
  pg_stat_statements lives only in the grader's own database, which the learner's role cannot
  connect to: it can neither read nor reset the counters the grade is judged on;
- Redis answers only to the per-grading password given in `{redis_url}`, and the commands
  that would make it connect out, load code or rewrite its files are gone;
- both run in the foreground as processes of graders.process, so an interrupted grading
  kills them with everything else, and the services uid's release kills any straggler.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from graders.assignment import Services
from graders.containment import Capabilities, detect
from graders.isolation import lease_uid
from graders.process import CommandResult, Limits, Spawned, clean_env, run_cmd

POSTGRES_ROOTS = Path("/usr/lib/postgresql")
POSTGRES_TOOLS = ("initdb", "postgres", "psql")
ADMIN_ROLE = "grader"
LEARNER_ROLE = "learner"
DATABASE = "app"
START_SECONDS = 30.0
_ADMIN = Limits(timeout_seconds=60, output_bytes=1024 * 1024)
INSTALL = {
    "postgres": "install PostgreSQL (Debian/Ubuntu: `sudo apt-get install -y postgresql`)",
    "redis": "install Redis (Debian/Ubuntu: `sudo apt-get install -y redis-server`)",
}
REDIS_DISABLED = ("CONFIG", "DEBUG", "MODULE", "REPLICAOF", "SLAVEOF", "MIGRATE", "SYNC", "PSYNC")
# Fast and throwaway: the cluster lives for one stage, so durability buys nothing.
POSTGRES_SETTINGS = {
    "listen_addresses": "''",
    "unix_socket_permissions": "0777",
    "max_connections": "100",
    "superuser_reserved_connections": "5",
    "shared_preload_libraries": "'pg_stat_statements'",
    "pg_stat_statements.track": "top",
    "pg_stat_statements.track_utility": "off",  # BEGIN/COMMIT are the driver's, not the code's
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "shared_buffers": "32MB",
    "log_min_messages": "warning",
}


class ServicesUnavailable(Exception):
    """A service the assignment asks for cannot start here; the message says what to do."""


@dataclass(frozen=True)
class Postgres:
    """A running cluster: the learner's URL, and the grader's superuser access to it."""

    bin: Path
    sockets: Path
    admin_password: str = field(repr=False)
    learner_password: str = field(repr=False)

    @property
    def url(self) -> str:
        """What `{postgres_url}` becomes: the learner's role, over the unix socket."""
        return (
            f"postgresql://{LEARNER_ROLE}:{self.learner_password}@/{DATABASE}?host={self.sockets}"
        )

    def admin_env(self) -> dict[str, str]:
        """The environment a grader-side `psql` needs to connect as the superuser."""
        return clean_env(
            {
                "PGHOST": str(self.sockets),
                "PGUSER": ADMIN_ROLE,
                "PGPASSWORD": self.admin_password,
                "PGDATABASE": "postgres",
                "PGCONNECT_TIMEOUT": "5",
            }
        )

    def psql_argv(self) -> list[str]:
        """`psql` reading statements from stdin, each in its own transaction."""
        return [str(self.bin / "psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                "-F", "\t", "-f", "-"]  # fmt: skip

    def sql(self, query: str) -> str:
        """Run `query` as the superuser in the grader's own database; its rows, tab-separated."""
        outcome = run_cmd(
            self.psql_argv(),
            cwd=Path("/"),
            env=self.admin_env(),
            limits=_ADMIN,
            merge_stderr=False,
            cleanup=True,
            stdin=query.encode(),
        )
        if not outcome.ok:
            raise ServicesUnavailable(f"psql failed: {(outcome.stderr or outcome.output).strip()}")
        return outcome.output

    def open_connections(self) -> int:
        """How many connections the learner's role holds open right now."""
        return int(
            self.sql(
                f"SELECT count(*) FROM pg_stat_activity WHERE usename = '{LEARNER_ROLE}';"
            ).strip()
            or 0
        )

    def statements_run(self) -> int:
        """SQL statements the learner's role has run on the cluster so far."""
        return int(
            self.sql(
                "SELECT coalesce(sum(calls), 0) FROM pg_stat_statements "
                f"WHERE userid = (SELECT oid FROM pg_roles WHERE rolname = '{LEARNER_ROLE}');"
            ).strip()
            or 0
        )


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
        try:
            sockets = _owned_dir(folder / "s", uid, 0o711)
            with contextlib.ExitStack() as stack:
                postgres = (
                    stack.enter_context(_postgres(folder, sockets, uid)) if spec.postgres else None
                )
                redis = stack.enter_context(_redis(folder, sockets, uid)) if spec.redis else None
                yield Backing(sockets=sockets, postgres=postgres, redis_url=redis)
        finally:
            shutil.rmtree(folder, ignore_errors=True)


def missing_binaries(wanted: list[str]) -> list[str]:
    """What to install for each service in `wanted` this machine cannot start."""
    gaps = []
    if "postgres" in wanted and postgres_bin() is None:
        gaps.append(INSTALL["postgres"])
    if "redis" in wanted and shutil.which("redis-server") is None:
        gaps.append(INSTALL["redis"])
    return gaps


def postgres_bin() -> Path | None:
    """The newest PostgreSQL's binaries (Debian keeps them per version, off the PATH)."""
    found = [p for p in POSTGRES_ROOTS.glob("*/bin") if _complete(p)]
    found.sort(key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0)
    if found:
        return found[-1]
    on_path = shutil.which("initdb")
    folder = Path(on_path).resolve().parent if on_path else None
    return folder if folder and _complete(folder) else None


def _complete(folder: Path) -> bool:
    return all((folder / tool).is_file() for tool in POSTGRES_TOOLS)


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


def _owned_dir(path: Path, uid: int | None, mode: int) -> Path:
    path.mkdir(mode=0o700)
    if uid is not None:
        os.chown(path, uid, uid)
    path.chmod(mode)
    return path


def _as(uid: int | None, folder: Path, argv: list[str]) -> list[str]:
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


def _write_private(path: Path, text: str, uid: int | None) -> None:
    path.touch(mode=0o600)
    path.write_text(text, encoding="utf-8")
    if uid is not None:
        os.chown(path, uid, uid)


def _admin(argv: list[str], env: dict[str, str] | None = None) -> CommandResult:
    outcome = run_cmd(argv, cwd=Path("/"), env=env or clean_env(), limits=_ADMIN)
    if not outcome.ok:
        raise ServicesUnavailable(f"{Path(argv[0]).name} failed: {outcome.output.strip()[-600:]}")
    return outcome


@contextlib.contextmanager
def _postgres(folder: Path, sockets: Path, uid: int | None) -> Iterator[Postgres]:
    bin_dir = postgres_bin()
    assert bin_dir is not None
    home = _owned_dir(folder / "pg", uid, 0o700)
    data = home / "data"
    admin_password, learner_password = secrets.token_hex(16), secrets.token_hex(16)
    _write_private(home / "pw", admin_password + "\n", uid)
    _admin(_as(uid, folder, [str(bin_dir / "initdb"), "-D", str(data), "-U", ADMIN_ROLE,
                     "--auth=scram-sha-256", f"--pwfile={home / 'pw'}", "-E", "UTF8",
                     "--locale=C", "--no-sync", "--no-instructions"]),
           clean_env({"TZ": "UTC"}, home=home))  # fmt: skip
    (home / "pw").unlink()
    settings = {**POSTGRES_SETTINGS, "unix_socket_directories": f"'{sockets}'"}
    with (data / "postgresql.conf").open("a", encoding="utf-8") as conf:
        conf.writelines(f"{key} = {value}\n" for key, value in settings.items())
    server = Spawned(
        _as(uid, folder, [str(bin_dir / "postgres"), "-D", str(data)]),
        cwd=home,
        env=clean_env({"TZ": "UTC"}, home=home),
        limits=Limits(timeout_seconds=24 * 3600, output_bytes=64 * 1024),
        untrusted=None,
    )
    try:
        cluster = Postgres(bin_dir, sockets, admin_password, learner_password)
        _wait_for_postgres(cluster, server)
        cluster.sql(_setup_sql(learner_password))
        yield cluster
    finally:
        _stop(server, lambda: _signal_postmaster(data))


def _setup_sql(learner_password: str) -> str:
    """The learner's role and database; the counters stay in the grader's own database."""
    return f"""
        CREATE ROLE {LEARNER_ROLE} LOGIN PASSWORD '{learner_password}'
            NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION CONNECTION LIMIT 80;
        CREATE DATABASE {DATABASE} OWNER {LEARNER_ROLE};
        REVOKE CONNECT ON DATABASE postgres FROM PUBLIC;
        REVOKE CONNECT ON DATABASE template1 FROM PUBLIC;
        CREATE EXTENSION pg_stat_statements;
    """


def _wait_for_postgres(cluster: Postgres, server: Spawned) -> None:
    deadline = time.monotonic() + START_SECONDS
    while True:
        if not server.alive():
            raise ServicesUnavailable(f"PostgreSQL exited at start: {server.output.strip()[-600:]}")
        if (cluster.sockets / ".s.PGSQL.5432").exists():
            outcome = run_cmd(
                cluster.psql_argv(),
                cwd=Path("/"),
                env=cluster.admin_env(),
                limits=_ADMIN,
                stdin=b"SELECT 1;",
            )
            if outcome.ok:
                return
        if time.monotonic() > deadline:
            raise ServicesUnavailable(
                f"PostgreSQL did not accept connections within {START_SECONDS:.0f} s: "
                f"{server.output.strip()[-600:]}"
            )
        time.sleep(0.05)


@contextlib.contextmanager
def _redis(folder: Path, sockets: Path, uid: int | None) -> Iterator[str]:
    home = _owned_dir(folder / "redis", uid, 0o700)
    password = secrets.token_hex(16)
    path = sockets / "redis.sock"
    config = "\n".join([
        "port 0",  # no TCP at all
        f"unixsocket {path}",
        "unixsocketperm 777",
        f"requirepass {password}",
        f"dir {home}",
        'save ""',
        "appendonly no",
        "daemonize no",
        "loglevel warning",
        "logfile \"\"",
        "maxmemory 256mb",
        # Redis runs on the host's network: no command may make it connect anywhere
        # (replication, MIGRATE), load code (MODULE) or rewrite its files (CONFIG, DEBUG).
        *(f'rename-command {command} ""' for command in REDIS_DISABLED),
        "",
    ])  # fmt: skip
    _write_private(home / "redis.conf", config, uid)
    server = Spawned(
        _as(
            uid, folder, [shutil.which("redis-server") or "redis-server", str(home / "redis.conf")]
        ),
        cwd=home,
        env=clean_env(home=home),
        limits=Limits(timeout_seconds=24 * 3600, output_bytes=64 * 1024),
        untrusted=None,
    )
    try:
        _wait_for_redis(path, password, server)
        yield f"unix://:{password}@{path}?db=0"
    finally:
        _stop(server, lambda: _redis_command(path, password, "SHUTDOWN NOSAVE"))


def _redis_server() -> str:
    return shutil.which("redis-server") or "redis-server"


def _wait_for_redis(path: Path, password: str, server: Spawned) -> None:
    deadline = time.monotonic() + START_SECONDS
    while True:
        if not server.alive():
            raise ServicesUnavailable(f"Redis exited at start: {server.output.strip()[-600:]}")
        if path.exists() and _redis_answers(path, password):
            return
        if time.monotonic() > deadline:
            raise ServicesUnavailable(
                f"Redis did not answer within {START_SECONDS:.0f} s: {server.output.strip()[-600:]}"
            )
        time.sleep(0.05)


def _redis_answers(path: Path, password: str) -> bool:
    return "+PONG" in _redis_command(path, password, "PING")


def _redis_command(path: Path, password: str, command: str) -> str:
    """Redis's answer to `command` after AUTH ("" when it did not answer)."""
    answer = b""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(2)
            conn.connect(str(path))
            conn.sendall(f"AUTH {password}\r\n{command}\r\n".encode())
            while answer.count(b"\r\n") < 2 and len(answer) < 4096:
                chunk = conn.recv(4096)
                if not chunk:
                    break
                answer += chunk
    except OSError:
        pass
    return answer.decode(errors="replace")


def _signal_postmaster(data: Path) -> None:
    """PostgreSQL's fast shutdown (SIGINT to the postmaster): clients cut off, a clean exit."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        pid = int((data / "postmaster.pid").read_text().splitlines()[0])
        os.kill(pid, signal.SIGINT)


def _stop(server: Spawned, ask: Callable[[], object], grace: float = 10.0) -> None:
    """Ask the server to shut down cleanly; kill it and its wrapper if it has not in `grace`."""
    if server.alive():
        ask()
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.proc.wait(timeout=grace)
    server.stop()
