"""What production sees of a running service, for the hidden checks: its log and its process.

A deploy checks what a service prints and signals its process; so may the hidden checks. Each
instance's output (stdout and stderr, as it comes) is copied into a file of the grading's own
work folder (root's: the learner's sandbox never sees it), up to LOG_CAP bytes, which the checks
get as `CLASSROOM_SERVICE_LOGS`; and the pid of the process that runs the start command, as
the machine sees it (inside its sandbox it is pid 2, under bubblewrap's pid 1), which the
checks get as `CLASSROOM_SERVICE_PIDS`: a SIGTERM to it is what an orchestrator sends, where
one to the sandbox itself would kill everything in it at once.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

LOG_CAP = 8 * 1024 * 1024  # a service that floods its output is cut here, the rest dropped


class ServiceLog:
    """Appends a process's output to `path` as it comes, up to LOG_CAP bytes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file = path.open("ab", buffering=0)
        self._written = 0
        self._lock = threading.Lock()

    def write(self, chunk: bytes) -> None:
        with self._lock:
            room = LOG_CAP - self._written
            if room > 0 and not self._file.closed:
                self._file.write(chunk[:room])
                self._written += min(room, len(chunk))

    def close(self) -> None:
        with self._lock:
            self._file.close()


def start_command_pid(wrapper: int, uid: int | None) -> int:
    """The pid of the process `wrapper` (a sandbox's outermost process) runs the start command
    in: its first descendant running as the sandbox's `uid` (the wrapper itself when the
    machine cannot switch uids, or when no such descendant is found)."""
    if uid is None:
        return wrapper
    waiting = [wrapper]
    while waiting:
        pid = waiting.pop(0)
        if pid != wrapper and _real_uid(pid) == uid:
            return pid
        waiting += _children(pid)
    return wrapper


def _children(pid: int) -> list[int]:
    kids: list[int] = []
    try:
        for task in os.scandir(f"/proc/{pid}/task"):
            kids += [int(k) for k in Path(task.path, "children").read_text().split()]
    except OSError:  # it exited meanwhile
        return []
    return kids


def _real_uid(pid: int) -> int | None:
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return None
    uid_line = next((line for line in lines if line.startswith("Uid:")), None)
    return int(uid_line.split()[1]) if uid_line else None
