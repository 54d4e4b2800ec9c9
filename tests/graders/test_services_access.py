"""What the learner's credentials can and cannot do on the databases the grader starts.

Real PostgreSQL and Redis (graders.running.services); the learner's side is played by psql and a raw
Redis connection holding exactly what the service is given: `{postgres_url}`, `{redis_url}`.
"""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from graders.model.assignment import PostgresService, RedisService, Services
from graders.running.containment import detect
from graders.running.isolation import lease_uid
from graders.running.process import Limits, Untrusted, clean_env, run_cmd
from graders.running.services import Backing, Postgres, backing_services

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def backing() -> Backing:
    with backing_services(Services(postgres=PostgresService(), redis=RedisService())) as started:
        assert started is not None
        yield started


def as_learner(postgres: Postgres, sql: str, url: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(postgres.bin / "psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
         url or postgres.url, "-c", sql],
        capture_output=True, text=True, timeout=30,
        env={"PATH": "/usr/bin:/bin", "PGCONNECT_TIMEOUT": "5"},
    )  # fmt: skip


def redis(url: str, *commands: str, auth: bool = True) -> str:
    parts = urlsplit(url)
    lines = ([f"AUTH {parts.password}"] if auth else []) + list(commands)
    with socket.socket(socket.AF_UNIX) as conn:
        conn.settimeout(5)
        conn.connect(parts.path)
        conn.sendall("".join(f"{line}\r\n" for line in lines).encode())
        answer = b""
        while answer.count(b"\r\n") < len(lines):
            answer += conn.recv(4096)
    return answer.decode()


def test_the_learner_owns_its_database_and_is_no_superuser(backing):
    assert backing.postgres is not None
    done = as_learner(
        backing.postgres,
        "CREATE TABLE t (id int); SELECT rolsuper FROM pg_roles WHERE rolname = current_user",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "f"


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT * FROM pg_stat_statements",
        "CREATE EXTENSION pg_stat_statements",
        "SELECT pg_stat_statements_reset()",
        "COPY (SELECT 1) TO PROGRAM 'true'",
        "ALTER ROLE learner SUPERUSER",
    ],
)
def test_the_learner_cannot_read_or_reset_the_graders_counters(backing, sql):
    assert backing.postgres is not None
    done = as_learner(backing.postgres, sql)
    assert done.returncode != 0
    assert "ERROR" in done.stderr


def test_the_graders_own_database_is_closed_to_the_learner(backing):
    assert backing.postgres is not None
    other = backing.postgres.url.replace("/app?", "/postgres?")
    done = as_learner(backing.postgres, "SELECT 1", url=other)
    assert done.returncode != 0
    assert "permission denied" in done.stderr


def test_a_wrong_password_is_refused(backing):
    assert backing.postgres is not None
    wrong = backing.postgres.url.replace(backing.postgres.learner_password, "guess")
    done = as_learner(backing.postgres, "SELECT 1", url=wrong)
    assert done.returncode != 0
    assert "password authentication failed" in done.stderr


def test_redis_answers_only_with_the_password(backing):
    assert backing.redis_url is not None
    assert "+PONG" in redis(backing.redis_url, "PING")
    assert redis(backing.redis_url, "PING", auth=False).startswith("-NOAUTH")


@pytest.mark.parametrize("command", ["CONFIG GET dir", "REPLICAOF 127.0.0.1 9", "MODULE LIST"])
def test_redis_cannot_be_made_to_connect_out_or_rewrite_its_files(backing, command):
    assert backing.redis_url is not None
    assert "unknown command" in redis(backing.redis_url, command).splitlines()[1]


def test_only_the_sockets_folder_is_open_to_others(backing):
    folder = backing.sockets.parent
    assert folder.stat().st_mode & 0o777 == 0o711
    assert backing.sockets.stat().st_mode & 0o777 == 0o711
    for private in (folder / "pg", folder / "redis"):
        assert private.stat().st_mode & 0o777 == 0o700
    if os.geteuid() == 0:  # a uid of their own: neither root nor any grading's sandbox uid
        assert backing.sockets.stat().st_uid not in (0, os.geteuid())
    assert not any(Path(folder).glob("pg/pw"))  # the superuser's password file is gone


LOOK_AROUND = """
import os, socket, sys
sockets = sys.argv[1]
folder = os.path.dirname(sockets)
print("folder:", sorted(os.listdir(folder)))
for private in ("pg/data/PG_VERSION", "redis/redis.conf"):
    print(private, os.path.exists(os.path.join(folder, private)))
conn = socket.socket(socket.AF_UNIX)
conn.connect(os.path.join(sockets, "redis.sock"))
print("redis socket: connected")
"""


def test_the_learners_view_holds_the_sockets_and_nothing_else_of_the_databases(backing):
    caps = detect()
    if not (caps.own_uid and caps.private_filesystem):
        pytest.skip("needs root, setpriv and bubblewrap (make test installs them as root)")
    lease = lease_uid()
    try:
        outcome = run_cmd(
            ["/usr/bin/python3", "-I", "-c", LOOK_AROUND, str(backing.sockets)],
            cwd=Path("/"),
            env=clean_env(),
            limits=Limits(timeout_seconds=30),
            untrusted=Untrusted(uid=lease.uid, readable=(backing.sockets,)),
        )
    finally:
        lease.release()
    assert outcome.ok, outcome.output
    assert "folder: ['s']" in outcome.output
    assert "pg/data/PG_VERSION False" in outcome.output
    assert "redis/redis.conf False" in outcome.output
    assert "redis socket: connected" in outcome.output
