"""What this process started dies with it, however it dies: a watchdog process.

basis.procs runs every command in a session of its own, so a signal to the owner's group
never reaches it and the owner's `finally` stops it. When the owner is killed outright
(SIGKILL, the OOM killer, a CI runner's hard stop, pytest-xdist ending a worker) no `finally`
runs: a PostgreSQL postmaster (whose parent-death signal its uid change clears), an act run
and its steps would be left running, reparented to init. So the first command started
also starts a watchdog, a small process in a session of its own that holds the read end of a
pipe whose write end only the owner holds. Each process group is registered when it starts
and struck off once it is stopped and reaped; each temporary folder likewise. When the pipe
reads end-of-file the owner is gone, and the watchdog SIGKILLs every group still registered,
removes every folder still registered, thaws and removes every cgroup still registered, and
exits. (A process in a FROZEN freezer cgroup acts on its SIGKILL only once thawed: without the
thaw, a service the grader had paused to measure another stayed frozen and unkillable.)
A forked child (multiprocessing's `fork`) does not inherit the owner's watchdog: it starts its
own.
"""

from __future__ import annotations

import contextlib
import os
import select
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

__all__ = [
    "forget_cgroup",
    "forget_folder",
    "forget_group",
    "watch_cgroup",
    "watch_folder",
    "watch_group",
    "watched",
]

# Run with -I -S: no site, no user code, no working-folder imports; ~15 ms to start.
_WATCHDOG = r"""
import os, shutil, signal, sys, time
for sig in (signal.SIGINT, signal.SIGHUP, signal.SIGTERM):
    signal.signal(sig, signal.SIG_IGN)  # only the owner's end (end-of-file) stops it
found = {b"g": set(), b"f": set(), b"c": set()}
for line in sys.stdin.buffer:
    op, kind, value = line[:1], line[1:2], line[2:].rstrip(b"\n")
    if kind in found:
        (found[kind].add if op == b"+" else found[kind].discard)(value)
for pgid in found[b"g"]:
    try:
        os.killpg(int(pgid), signal.SIGKILL)
    except (OSError, ValueError):
        pass
for folder in found[b"f"]:
    shutil.rmtree(os.fsdecode(folder), ignore_errors=True)
cgroups = found[b"c"]
for cgroup in cgroups:
    try:
        with open(os.path.join(cgroup, b"freezer.state"), "w") as state:
            state.write("THAWED")
    except OSError:
        pass  # not a freezer, or gone
for _ in range(250):  # a group goes once its last process has died: up to 5 s
    for cgroup in list(cgroups):
        try:
            os.rmdir(cgroup)
        except FileNotFoundError:
            pass
        except OSError:
            continue
        cgroups.discard(cgroup)
    if not cgroups:
        break
    time.sleep(0.02)
"""

_lock = threading.Lock()
_fd: int | None = None  # the pipe's write end; writes under PIPE_BUF bytes are atomic
_watchdog: subprocess.Popen[bytes] | None = None


def watch_group(pgid: int) -> None:
    """Kill process group `pgid` if this process dies before `forget_group(pgid)`."""
    _send(b"+g%d" % pgid)


def forget_group(pgid: int) -> None:
    """Group `pgid` was stopped and reaped: its number may be reused by anyone."""
    _send(b"-g%d" % pgid)


def watch_folder(folder: Path) -> None:
    """Remove `folder` if this process dies before `forget_folder(folder)`."""
    _send(b"+f" + os.fsencode(folder))


def forget_folder(folder: Path) -> None:
    """`folder` was removed or handed on: leave it be."""
    _send(b"-f" + os.fsencode(folder))


def watch_cgroup(path: Path) -> None:
    """Thaw (a freezer's) and remove cgroup `path` if this process dies before
    `forget_cgroup(path)`; the processes in it are killed through their groups."""
    _send(b"+c" + os.fsencode(path))


def forget_cgroup(path: Path) -> None:
    """Cgroup `path` was removed: leave it be."""
    _send(b"-c" + os.fsencode(path))


@contextlib.contextmanager
def watched(folder: Path) -> Iterator[Path]:
    """`folder`, removed by the watchdog if this process dies inside the `with` block."""
    watch_folder(folder)
    try:
        yield folder
    finally:
        forget_folder(folder)


def _send(record: bytes) -> None:
    if b"\n" in record or len(record) >= select.PIPE_BUF:  # the line protocol cannot carry it
        return
    with _lock:
        fd = _fd if _fd is not None else _start()
    with contextlib.suppress(OSError):  # the watchdog itself was killed: nothing to tell
        os.write(fd, record + b"\n")


def _start() -> int:
    global _fd, _watchdog
    read_end, write_end = os.pipe()  # both close on exec: no command started inherits them
    try:
        _watchdog = subprocess.Popen(
            [sys.executable, "-I", "-S", "-c", _WATCHDOG],
            stdin=read_end,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd="/",
            start_new_session=True,  # out of reach of a signal sent to the owner's group
        )
    finally:
        os.close(read_end)
    _fd = write_end
    return write_end


def _forget_parents_watchdog() -> None:
    """In a forked child: the parent's watchdog is the parent's; the child starts its own."""
    global _fd, _watchdog, _lock
    _lock = threading.Lock()
    if _fd is not None:
        with contextlib.suppress(OSError):
            os.close(_fd)
    _fd, _watchdog = None, None


os.register_at_fork(after_in_child=_forget_parents_watchdog)
