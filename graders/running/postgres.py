"""A throwaway PostgreSQL cluster for one stage (graders.running.services says who may do what).

A copy of `initdb`'s output (graders.running.postgres_template) with scram-sha-256 and a
superuser (`grader`) whose password only the grader knows, fresh for each cluster;
the learner's role owns the `app` database and nothing else; pg_stat_statements is created in
the `postgres` database, which the learner's role may not connect to, and counts the learner's
statements (BEGIN/COMMIT left out) for graders.running.statements.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import secrets
import shutil
import signal
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from graders.running.backing import (
    ADMIN,
    FOREVER,
    START_SECONDS,
    ServicesUnavailable,
    owned_dir,
    run_as,
    stop_server,
)
from graders.running.postgres_template import SUPERUSER, lay_out_data
from graders.running.process import Spawned, clean_env, run_cmd

POSTGRES_ROOTS = Path("/usr/lib/postgresql")
POSTGRES_TOOLS = ("initdb", "postgres", "psql")
ADMIN_ROLE = SUPERUSER
LEARNER_ROLE = "learner"
DATABASE = "app"
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
    # The statements probe (graders.running.statement_probe) turns `log_statement` on after the load
    # test and reads this log through pg_read_file: a statement is logged when it starts,
    # whether or not its transaction ever ends (pg_stat_statements counts it only when it
    # does). JSON lines, so a statement's own newlines cannot forge an entry.
    "logging_collector": "on",
    "log_destination": "'jsonlog'",
    "log_directory": "'log'",
    "log_filename": "'postgresql'",
    "log_rotation_age": "0",
    "log_rotation_size": "0",
}


@dataclass(frozen=True)
class Postgres:
    """A running cluster: the learner's URL, and the grader's superuser access to it."""

    bin: Path
    sockets: Path
    admin_password: str = field(repr=False)
    learner_password: str = field(repr=False)
    server_pid: int = 0  # the postmaster's (or its launcher's): its tree is the server's CPU

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
            limits=ADMIN,
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
        """SQL statements the learner's role has run on the cluster so far (pg_stat_statements
        misses the last statement of a connection closed inside its transaction)."""
        return int(
            self.sql(
                "SELECT coalesce(sum(calls), 0) FROM pg_stat_statements "
                f"WHERE userid = (SELECT oid FROM pg_roles WHERE rolname = '{LEARNER_ROLE}');"
            ).strip()
            or 0
        )

    def sessions_opened(self) -> int:
        """Connections opened to the learner's database so far (the grader's own included:
        read it before the grader connects there)."""
        return int(
            self.sql(
                f"SELECT coalesce(sum(sessions), 0) FROM pg_stat_database "
                f"WHERE datname = '{DATABASE}';"
            ).strip()
            or 0
        )


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


@contextlib.contextmanager
def postgres_cluster(folder: Path, sockets: Path, uid: int | None) -> Iterator[Postgres]:
    bin_dir = postgres_bin()
    assert bin_dir is not None
    home = owned_dir(folder / "pg", uid, 0o700)
    data = home / "data"
    template_password = lay_out_data(bin_dir, home, uid)
    admin_password, learner_password = secrets.token_hex(16), secrets.token_hex(16)
    settings = {**POSTGRES_SETTINGS, "unix_socket_directories": f"'{sockets}'"}
    with (data / "postgresql.conf").open("a", encoding="utf-8") as conf:
        conf.writelines(f"{key} = {value}\n" for key, value in settings.items())
    server = Spawned(
        run_as(uid, folder, [str(bin_dir / "postgres"), "-D", str(data)]),
        cwd=home,
        env=clean_env({"TZ": "UTC"}, home=home),
        limits=FOREVER,
        untrusted=None,
    )
    try:
        cluster = Postgres(
            bin_dir, sockets, template_password, learner_password, server_pid=server.proc.pid
        )
        _wait_for_postgres(cluster, server)
        cluster.sql(_setup_sql(admin_password, learner_password))
        yield dataclasses.replace(cluster, admin_password=admin_password)
    finally:
        stop_server(server, lambda: _signal_postmaster(data))


def _setup_sql(admin_password: str, learner_password: str) -> str:
    """The cluster's own superuser password (the template's was the same in every cluster),
    then the learner's role and database; the counters stay in the grader's own database."""
    return f"""
        ALTER ROLE {ADMIN_ROLE} PASSWORD '{admin_password}';
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
                limits=ADMIN,
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


def _signal_postmaster(data: Path) -> None:
    """PostgreSQL's fast shutdown (SIGINT to the postmaster): clients cut off, a clean exit."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        pid = int((data / "postmaster.pid").read_text().splitlines()[0])
        os.kill(pid, signal.SIGINT)
