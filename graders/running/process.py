"""Containment for the commands the grader runs: learner code is never run as it is.

Every tool the grader runs (uv, pytest, ruff, mypy, locust, the learner's service) goes
through `run_cmd` or `Spawned`, this module's contained forms of basis.procs'. Untrusted
commands (anything that executes learner code) are contained: an unprivileged uid, a pids
and memory cgroup or rlimits, optionally no network, and a clean environment that never
carries the grader's secrets.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from basis import procs
from basis.procs import CommandResult, Limits
from graders.running.cgroups import Cgroup, remove_stale
from graders.running.containment import Capabilities, detect
from graders.running.fsview import view_args

SAFE_PATH = "/usr/local/bin:/usr/bin:/bin"
CGROUP_PREFIX = "classroom-"


def clean_env(
    extra: Mapping[str, str] | None = None,
    *,
    path_prefix: Sequence[Path] = (),
    home: Path | None = None,
) -> dict[str, str]:
    """A minimal environment: nothing of the grader's (tokens, secrets) leaks into a child."""
    env = {
        "PATH": os.pathsep.join([*(str(p) for p in path_prefix), SAFE_PATH]),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONUNBUFFERED": "1",
        "PYTHONHASHSEED": "0",
        "NO_COLOR": "1",
        "HOME": str(home) if home else "/tmp",
        "USER": "classroom",  # the sandbox uid has no passwd entry; getpass() needs a name
        "LOGNAME": "classroom",
        "TMPDIR": str(home) if home else "/tmp",
    }
    env.update(extra or {})
    return env


@dataclass(frozen=True)
class Untrusted:
    """How one command that runs learner code is contained (graders.running.containment says how).

    It runs as `uid` (the grading's own), sees only `readable` and `writable` besides the
    system, and has no network at all unless `netns` names a network namespace to live in
    (the learner's service: only loopback, which the grader's checks join)."""

    uid: int | None = None
    writable: tuple[Path, ...] = ()
    readable: tuple[Path, ...] = ()
    netns: Path | None = None


class Confinement:
    """Wraps a command line so it runs contained, and kills everything it started."""

    def __init__(
        self,
        limits: Limits,
        *,
        untrusted: Untrusted | None,
        netns: Path | None = None,
        caps: Capabilities | None = None,
    ) -> None:
        self.limits = limits
        self.untrusted = untrusted
        self.netns = netns if untrusted is None else untrusted.netns
        self.caps = caps or detect()
        self._cgroups: list[Cgroup] = []
        if untrusted is not None:
            self._make_cgroups()

    def _make_cgroups(self) -> None:
        _remove_stale_cgroups(self.caps)
        name = f"{CGROUP_PREFIX}{os.getpid()}-{uuid.uuid4().hex[:12]}"
        if self.caps.pids_cgroup and self.limits.max_processes:
            group = Cgroup(self.caps.pids_cgroup, name)
            group.set("pids.max", str(self.limits.max_processes))
            self._cgroups.append(group)
        if self.caps.memory_cgroup and self.limits.memory_mb:
            group = Cgroup(self.caps.memory_cgroup, name)
            limit = str(self.limits.memory_mb * 1024 * 1024)
            group.set("memory.limit_in_bytes", limit)
            with contextlib.suppress(OSError):  # no swap either, where the kernel counts it
                group.set("memory.memsw.limit_in_bytes", limit)
            self._cgroups.append(group)

    def wrap(self, argv: Sequence[str], cwd: Path) -> list[str]:
        """The command line that runs `argv` (from `cwd`) inside this confinement."""
        joins_network = self.netns is not None and self.caps.private_network
        enter = ["nsenter", f"--net={self.netns}", "--"] if joins_network else []
        if self.untrusted is None:
            return [*enter, *argv]
        prefix: list[str] = []
        if self._cgroups:
            procs = " ".join(f"{g.path}/cgroup.procs" for g in self._cgroups)
            join = f'for f in {procs}; do echo $$ > "$f" || exit 125; done; exec "$@"'
            prefix += ["/bin/sh", "-c", join, "classroom-join"]
        prefix += enter
        prefix += self._view(cwd, isolate_network=not joins_network)
        prefix += self._rlimits()
        prefix += self._user()
        return prefix + list(argv)

    def _view(self, cwd: Path, *, isolate_network: bool) -> list[str]:
        untrusted = self.untrusted
        assert untrusted is not None
        if self.caps.private_filesystem and self.caps.bwrap:
            return view_args(
                self.caps.bwrap,
                writable=untrusted.writable,
                readable=untrusted.readable,
                cwd=cwd,
                isolate_network=isolate_network,
            )
        if isolate_network and self.caps.private_network:
            return ["unshare", "--net", "--"]
        return []

    def _rlimits(self) -> list[str]:
        prefix = ["prlimit", "--core=0", f"--nofile={1024}"]
        if self.limits.max_processes:
            prefix.append(f"--nproc={self.limits.max_processes}")
        if self.limits.memory_mb and not self.caps.memory_cgroup:
            # Address space is a blunt stand-in for memory: allow for mapped-but-unused pages.
            prefix.append(f"--as={self.limits.memory_mb * 4 * 1024 * 1024}")
        return [*prefix, "--"]

    def _user(self) -> list[str]:
        uid = self.untrusted.uid if self.untrusted else None
        if uid is None or not self.caps.own_uid or self.caps.setpriv is None:
            return []
        return [
            self.caps.setpriv,
            f"--reuid={uid}",
            f"--regid={uid}",
            "--clear-groups",
            "--inh-caps=-all",
            "--bounding-set=-all",
            "--no-new-privs",  # no setuid program (sudo, su) can give anything back
            "--",
        ]

    def kill(self, proc: subprocess.Popen[bytes]) -> None:
        """Kill the command and every descendant it started."""
        for group in self._cgroups:
            group.kill_all()
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)

    def close(self) -> None:
        for group in self._cgroups:
            group.remove()
        self._cgroups.clear()

    @property
    def memory_exceeded(self) -> bool:
        """True when the memory cgroup hit its limit (or its OOM killer struck) at least once."""
        return any(group.memory_pressure_seen() for group in self._cgroups)


_STALE_REMOVED: set[Path] = set()


def _remove_stale_cgroups(caps: Capabilities) -> None:
    """Once per process and controller: the groups of graders killed outright are deleted."""
    for parent in (caps.pids_cgroup, caps.memory_cgroup):
        if parent is not None and parent not in _STALE_REMOVED:
            _STALE_REMOVED.add(parent)
            remove_stale(parent, CGROUP_PREFIX)


def run_cmd(
    argv: Sequence[str],
    *,
    cwd: Path,
    env: Mapping[str, str],
    limits: Limits,
    untrusted: Untrusted | None = None,
    netns: Path | None = None,
    merge_stderr: bool = True,
    cleanup: bool = False,
    stdin: bytes | None = None,
) -> CommandResult:
    """Run `argv` to completion or to its time limit, contained; never leaves a process behind.

    `untrusted` contains a command that runs learner code; `netns` lets a trusted one (the
    grader's checks, Locust) join the network namespace the learner's service lives in.
    The rest is basis.procs.run_cmd's."""
    return procs.run_cmd(
        argv,
        cwd=cwd,
        env=env,
        limits=limits,
        confine=lambda: Confinement(limits, untrusted=untrusted, netns=netns),
        merge_stderr=merge_stderr,
        cleanup=cleanup,
        stdin=stdin,
    )


class Spawned(procs.Spawned):
    """A long-running process with its captured output: the learner's service (contained) or
    a database or upstream the grader starts for it (`untrusted=None`; `netns`: inside the
    service's network namespace)."""

    def __init__(
        self,
        argv: Sequence[str],
        *,
        cwd: Path,
        env: Mapping[str, str],
        limits: Limits,
        untrusted: Untrusted | None,
        netns: Path | None = None,
        observe: Callable[[bytes], None] | None = None,
    ) -> None:
        super().__init__(
            argv,
            cwd=cwd,
            env=env,
            limits=limits,
            confine=lambda: Confinement(limits, untrusted=untrusted, netns=netns),
            observe=observe,
        )
