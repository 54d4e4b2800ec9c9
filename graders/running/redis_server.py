"""A Redis server for one stage: a unix socket only, a per-grading password, and none of the
commands that would make it connect out (it runs on the host's network), load code or
rewrite its files."""

from __future__ import annotations

import contextlib
import secrets
import shutil
import socket
import time
from collections.abc import Iterator
from pathlib import Path

from graders.running.backing import (
    FOREVER,
    START_SECONDS,
    ServicesUnavailable,
    owned_dir,
    run_as,
    stop_server,
    write_private,
)
from graders.running.process import Spawned, clean_env

REDIS_DISABLED = ("CONFIG", "DEBUG", "MODULE", "REPLICAOF", "SLAVEOF", "MIGRATE", "SYNC", "PSYNC")


@contextlib.contextmanager
def redis_server(folder: Path, sockets: Path, uid: int | None) -> Iterator[str]:
    home = owned_dir(folder / "redis", uid, 0o700)
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
    write_private(home / "redis.conf", config, uid)
    server = Spawned(
        run_as(
            uid, folder, [shutil.which("redis-server") or "redis-server", str(home / "redis.conf")]
        ),
        cwd=home,
        env=clean_env(home=home),
        limits=FOREVER,
        untrusted=None,
    )
    try:
        _wait_for_redis(path, password, server)
        yield f"unix://:{password}@{path}?db=0"
    finally:
        stop_server(server, lambda: _redis_command(path, password, "SHUTDOWN NOSAVE"))


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
