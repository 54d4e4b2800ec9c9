"""Throwaway cgroup v1 groups: one per contained command, emptied and removed when it ends.

A group is named `<prefix><pid of the grader>-<random>`. A grader killed outright leaves its
processes to basis.watchdog (and bubblewrap's --die-with-parent), which also thaws and removes
its groups; `remove_stale` deletes the groups of graders no longer running that it could not
(a watchdog killed too)."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import time
from pathlib import Path

from basis import watchdog


class Cgroup:
    """A throwaway cgroup under one controller; `kill_all` empties it, `remove` deletes it."""

    def __init__(self, parent: Path, name: str) -> None:
        self.path = parent / name
        self.path.mkdir()
        watchdog.watch_cgroup(self.path)  # thawed and removed if the grader is killed outright

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

        for _ in range(200):
            members = self.pids()
            if not members:
                return
            for pid in members:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)

    def remove(self) -> None:

        for _ in range(100):
            try:
                self.path.rmdir()
            except OSError:
                self.kill_all()
                time.sleep(0.02)
            else:
                watchdog.forget_cgroup(self.path)
                return


def remove_stale(parent: Path, prefix: str) -> None:
    """Remove the groups under `parent` named for a process that no longer runs."""
    pattern = re.compile(rf"^{re.escape(prefix)}(\d+)-[0-9a-f]+$")
    for entry in parent.glob(f"{prefix}*"):
        match = pattern.match(entry.name)
        if match and not Path(f"/proc/{match.group(1)}").exists():
            with contextlib.suppress(OSError):  # still emptying, or removed by another grader
                entry.rmdir()
