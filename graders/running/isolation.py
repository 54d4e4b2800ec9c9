"""One grading's own containment: a uid no other grading uses, and the service's network.

A uid of its own per grading means two gradings on one machine (a runner grading a chunk of
the class, four at a time) cannot write each other's folders, signal each other's processes
or share a process budget. The lease is an flock on a root-owned file: it ends with the
grading's process, however that ends, and the next grading to take the uid first kills
anything still running as it.

The learner's service lives in a network namespace of its own with only loopback up: it can
reach nothing of the machine (no other listener, no metadata address, no internet), and the
grader's checks and Locust join that namespace to reach it.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from basis.procs import Limits
from graders.running.containment import Capabilities
from graders.running.process import clean_env, run_cmd

UID_BASE = int(os.environ.get("CLASSROOM_SANDBOX_UID", "990000"))
UID_SLOTS = 1000
LEASES = Path(os.environ.get("CLASSROOM_UID_LEASES", "/run/backend-classroom/uid-leases"))
NETNS_DIR = Path("/run/netns")
NETNS_PREFIX = "classroom-"
_ADMIN = Limits(timeout_seconds=30, output_bytes=16 * 1024)


class NoFreeUid(RuntimeError):
    """Every sandbox uid is leased by a grading still running."""


@dataclass
class UidLease:
    """A uid this grading alone runs learner code as, until `release`."""

    uid: int
    _handle: IO[str]

    def release(self) -> None:
        kill_every_process_of(self.uid)
        self._handle.close()


@contextlib.contextmanager
def own_uid(caps: Capabilities) -> Iterator[int | None]:
    """A uid of this grading's own for the `with` block (None where uids cannot change)."""
    if not caps.own_uid:
        yield None
        return
    lease = lease_uid()
    try:
        yield lease.uid
    finally:
        lease.release()


def lease_uid(folder: Path = LEASES) -> UidLease:
    """The first free uid of the range; its stragglers (if any) are killed before use."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    for slot in range(UID_SLOTS):
        uid = UID_BASE + slot
        handle = (folder / f"{uid}.lock").open("w")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            continue
        kill_every_process_of(uid)
        return UidLease(uid, handle)
    raise NoFreeUid(f"all {UID_SLOTS} sandbox uids from {UID_BASE} are in use")


def kill_every_process_of(uid: int) -> None:
    """SIGKILL every process running as `uid` (sent as `uid`, so it can reach no other)."""
    run_cmd(
        [
            "setpriv",
            f"--reuid={uid}",
            f"--regid={uid}",
            "--clear-groups",
            "--",
            "/bin/sh",
            "-c",
            "kill -KILL -1 2>/dev/null; true",
        ],
        cwd=Path("/"),
        env=clean_env(),
        limits=_ADMIN,
        cleanup=True,
    )


@contextlib.contextmanager
def service_network(caps: Capabilities) -> Iterator[Path | None]:
    """A fresh network namespace with loopback up, removed afterwards (None: host network)."""
    if not caps.private_network:
        yield None
        return
    _remove_stale_namespaces()
    name = f"{NETNS_PREFIX}{os.getpid()}-{uuid.uuid4().hex[:10]}"
    _ip("netns", "add", name)
    try:
        _ip("-n", name, "link", "set", "lo", "up")
        yield NETNS_DIR / name
    finally:
        _ip("netns", "delete", name)


def _remove_stale_namespaces() -> None:
    """Namespaces a killed grader left behind (their pid is gone) are deleted."""
    pattern = re.compile(rf"^{NETNS_PREFIX}(\d+)-[0-9a-f]+$")
    for entry in NETNS_DIR.glob(f"{NETNS_PREFIX}*") if NETNS_DIR.is_dir() else []:
        match = pattern.match(entry.name)
        if match and not Path(f"/proc/{match.group(1)}").exists():
            _ip("netns", "delete", entry.name)


def _ip(*args: str) -> None:
    outcome = run_cmd(["ip", *args], cwd=Path("/"), env=clean_env(), limits=_ADMIN, cleanup=True)
    if not outcome.ok:
        raise RuntimeError(f"ip {' '.join(args)} failed: {outcome.output.strip()}")
