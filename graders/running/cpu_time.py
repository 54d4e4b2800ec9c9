"""A running service's CPU time, and a pause button for it.

CPU time is the work the service did, not how long its requests waited for a core: a busy
machine stretches latencies but hardly moves it. It is read from a cpuacct cgroup the service
is moved into once healthy (cgroup v1, where the grader may create one), else summed over the
service's process tree from /proc (utime + stime, and the children it has reaped).

`paused()` stops the service while another one is measured (graders.stages.load_rounds): a
freezer cgroup where there is one, else SIGSTOP to each process of its tree. A service that
burns CPU while it is not being asked anything (to slow down the service measured next to it)
burns nothing then.
"""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

from basis import watchdog
from graders.running.cgroups import Cgroup
from graders.running.containment import writable_cgroup

CpuSource = Literal["cgroup", "processes"]
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
MOVE_ATTEMPTS = 50  # rounds of "move every process of the tree" until none is left outside
SETTLE_ATTEMPTS = 400  # polls, 5 ms apart, until a pause has taken hold
STOPPED = {"T", "t", "Z", "X"}  # stopped (or already gone) in /proc/PID/stat


def tree(root: int) -> list[int]:
    """`root` and every live descendant of it, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            stat = _stat_fields(int(entry.name))
            if stat is not None:
                children.setdefault(int(stat[1]), []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        if pid in found:
            continue
        found.append(pid)
        todo.extend(children.get(pid, []))
    return [pid for pid in found if Path(f"/proc/{pid}").exists()]


def _stat_fields(pid: int) -> list[str] | None:
    """/proc/PID/stat after the command name: [state, ppid, ...] (None: the process is gone)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rfind(")") + 2 :].split()


def tree_cpu_seconds(root: int) -> float:
    """utime + stime (+ reaped children's) of `root`'s process tree."""
    ticks = 0
    for pid in tree(root):
        fields = _stat_fields(pid)
        if fields is not None:  # fields 14-17 of stat(5), counted from the state (field 3)
            ticks += sum(int(value) for value in fields[11:15])
    return ticks / CLOCK_TICKS


def machine_busy_seconds() -> float | None:
    """CPU time every core of the machine has spent busy so far (/proc/stat: user, nice,
    system, irq, softirq and steal, the time a hypervisor gave to someone else), or None."""
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()
    except (OSError, IndexError):
        return None
    if fields[0] != "cpu" or len(fields) < 9:
        return None
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(v) for v in fields[1:9])
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS


def children_cpu_seconds() -> float:
    """CPU time of this process's children that it has waited for (Locust's, for a round)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class ServiceMeter:
    """CPU time and pausing for the process tree rooted at `root` (the service's process)."""

    def __init__(self, root: int) -> None:
        self.root = root
        name = f"classroom-meter-{os.getpid()}-{uuid.uuid4().hex[:10]}"
        self._cpu = _group("cpuacct", name)
        self._freezer = _group("freezer", name)
        for group in (self._cpu, self._freezer):
            if group is not None:
                _move_tree(root, group)

    @property
    def source(self) -> CpuSource:
        return "cgroup" if self._cpu is not None else "processes"

    def cpu_seconds(self) -> float:
        """CPU time used so far by the service (since it was moved into the cgroup)."""
        if self._cpu is not None:
            return int((self._cpu.path / "cpuacct.usage").read_text()) / 1e9
        return tree_cpu_seconds(self.root)

    @contextlib.contextmanager
    def paused(self) -> Iterator[None]:
        """The service stopped for the `with` block, running again afterwards."""
        self._pause(stop=True)
        try:
            yield
        finally:
            self._pause(stop=False)

    def _pause(self, *, stop: bool) -> None:
        """Stop or resume, and wait until it has happened (both are asynchronous)."""
        for _ in range(SETTLE_ATTEMPTS):
            if self._freezer is not None:
                self._freezer.set("freezer.state", "FROZEN" if stop else "THAWED")
                if not stop or _freezer_state(self._freezer) == "FROZEN":
                    return
            else:
                states = self._signal(signal.SIGSTOP if stop else signal.SIGCONT)
                if not stop or states <= STOPPED:
                    return
            time.sleep(0.005)

    def _signal(self, signum: int) -> set[str]:
        """Send `signum` to the tree; the states its processes were in."""
        states = set()
        for pid in tree(self.root):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signum)
            fields = _stat_fields(pid)
            if fields is not None:
                states.add(fields[0])
        return states

    def close(self) -> None:
        """Thaw and remove the groups (the service itself is stopped by its owner)."""
        with contextlib.suppress(OSError):
            self._pause(stop=False)
        for group in (self._cpu, self._freezer):
            if group is not None:
                _remove_when_empty(group)


def _freezer_state(group: Cgroup) -> str:
    return (group.path / "freezer.state").read_text().strip()


def _group(controller: str, name: str) -> Cgroup | None:
    parent = writable_cgroup(controller)
    return None if parent is None else Cgroup(parent, name)


def _move_tree(root: int, group: Cgroup) -> None:
    """Every process of the tree into `group`; repeated until a pass finds none outside it."""
    for _ in range(MOVE_ATTEMPTS):
        outside = [pid for pid in tree(root) if pid not in group.pids()]
        if not outside:
            return
        for pid in outside:
            with contextlib.suppress(OSError):  # gone meanwhile
                group.set("cgroup.procs", str(pid))


def _remove_when_empty(group: Cgroup) -> None:
    """The group goes once its processes have ended (the service's owner stops them)."""
    for _ in range(100):
        try:
            group.path.rmdir()
        except OSError:
            if not group.pids():
                time.sleep(0.02)
                continue
            _move_out(group)
        else:
            watchdog.forget_cgroup(group.path)
            return


def _move_out(group: Cgroup) -> None:
    """Processes still inside go back to the group it was made in (not ours to kill here)."""
    for pid in group.pids():
        with contextlib.suppress(OSError):
            (group.path.parent / "cgroup.procs").write_text(str(pid))
