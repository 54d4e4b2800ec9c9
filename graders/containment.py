"""How untrusted processes are contained on this machine: unprivileged uid, cgroups, netns.

Detected once per process. Root ignores RLIMIT_NPROC, so as root the child is dropped to an
unprivileged uid first (setpriv), and a pids/memory cgroup is used when one can be created:
the cgroup also makes "no process left behind" exact, because every descendant, however it
daemonises, stays in it and is killed with it.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

CGROUP_FS = Path("/sys/fs/cgroup")
UNPRIVILEGED_UID = int(os.environ.get("CLASSROOM_SANDBOX_UID", "65534"))


@dataclass(frozen=True)
class Capabilities:
    """What this machine lets the grader use to contain a submission."""

    drop_to_uid: int | None
    pids_cgroup: Path | None
    memory_cgroup: Path | None
    private_network: bool

    def describe(self) -> str:
        """One line for the report: which containment was in force."""
        parts = [f"uid {self.drop_to_uid}" if self.drop_to_uid is not None else "same uid"]
        parts.append("pids cgroup" if self.pids_cgroup else "RLIMIT_NPROC")
        parts.append("memory cgroup" if self.memory_cgroup else "RLIMIT_AS")
        parts.append("no network" if self.private_network else "network allowed")
        return ", ".join(parts)


@functools.cache
def detect() -> Capabilities:
    """Probe the machine once; `CLASSROOM_CONTAINMENT=none` turns everything off."""
    if os.environ.get("CLASSROOM_CONTAINMENT") == "none":
        return Capabilities(None, None, None, private_network=False)
    is_root = os.geteuid() == 0
    can_setpriv = is_root and shutil.which("setpriv") is not None
    return Capabilities(
        drop_to_uid=UNPRIVILEGED_UID if can_setpriv else None,
        pids_cgroup=_writable_cgroup("pids"),
        memory_cgroup=_writable_cgroup("memory"),
        private_network=is_root and shutil.which("unshare") is not None,
    )


def _own_cgroup(controller: str) -> Path | None:
    """The v1 cgroup this process sits in for `controller`."""
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        _, controllers, path = line.split(":", 2)
        if controller in controllers.split(","):
            return CGROUP_FS / controller / path.lstrip("/")
    return None


def _writable_cgroup(controller: str) -> Path | None:
    parent = _own_cgroup(controller)
    if parent is None or not parent.is_dir():
        return None
    probe = parent / f"classroom-probe-{uuid.uuid4().hex[:8]}"
    try:
        probe.mkdir()
        probe.rmdir()
    except OSError:
        return None
    return parent


class Cgroup:
    """A throwaway cgroup under one controller; `kill_all` empties it, `remove` deletes it."""

    def __init__(self, parent: Path, name: str) -> None:
        self.path = parent / name
        self.path.mkdir()

    def set(self, knob: str, value: str) -> None:
        (self.path / knob).write_text(value)

    def pids(self) -> list[int]:
        try:
            text = (self.path / "cgroup.procs").read_text()
        except OSError:
            return []
        return [int(pid) for pid in text.split()]

    def memory_pressure_seen(self) -> bool:
        """A memory cgroup that hit its limit: failure counters or an OOM kill recorded."""
        for counter in ("memory.failcnt", "memory.memsw.failcnt"):
            path = self.path / counter
            if path.exists() and int(path.read_text().strip() or "0") > 0:
                return True
        control = self.path / "memory.oom_control"
        if control.exists():
            for line in control.read_text().splitlines():
                key, _, value = line.partition(" ")
                if key == "oom_kill" and int(value) > 0:
                    return True
        return False

    def kill_all(self) -> None:
        """SIGKILL every member until none is left (bounded: a fork bomb is capped by pids.max)."""
        import signal

        for _ in range(200):
            members = self.pids()
            if not members:
                return
            for pid in members:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)

    def remove(self) -> None:
        import time

        for _ in range(100):
            try:
                self.path.rmdir()
                return
            except OSError:
                self.kill_all()
                time.sleep(0.02)
