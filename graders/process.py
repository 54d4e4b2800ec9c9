"""The one gateway for subprocesses: timeouts, output caps, memory/process limits, cleanup.

Every tool the grader runs (uv, pytest, ruff, mypy, locust, the learner's service) goes
through `run_cmd` or `spawn`. Untrusted commands (anything that executes learner code) are
contained: an unprivileged uid, a pids and memory cgroup or rlimits, optionally no network,
and a clean environment that never carries the grader's secrets.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from graders.cgroups import Cgroup
from graders.containment import Capabilities, detect
from graders.fsview import view_args

SAFE_PATH = "/usr/local/bin:/usr/bin:/bin"
CGROUP_PREFIX = "classroom-"
_READ_CHUNK = 65536


@dataclass(frozen=True)
class Limits:
    """Bounds for one command."""

    timeout_seconds: float
    output_bytes: int = 512 * 1024
    memory_mb: int | None = None
    max_processes: int | None = None


@dataclass
class CommandResult:
    """What a finished (or killed) command left behind."""

    argv: list[str]
    returncode: int | None
    output: str
    duration_seconds: float
    timed_out: bool = False
    truncated_bytes: int = 0
    stderr: str = ""
    memory_exceeded: bool = False

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out

    @property
    def killed_by(self) -> str | None:
        """The signal's name when the command died of one (e.g. SIGKILL from the OOM killer)."""
        if self.returncode is not None and self.returncode < 0:
            return signal.Signals(-self.returncode).name
        return None


@dataclass
class _Capture:
    """Keeps the first `cap` bytes of a stream and counts the rest, draining it all."""

    cap: int
    chunks: list[bytes] = field(default_factory=list)
    kept: int = 0
    dropped: int = 0

    def pump(self, stream: IO[bytes]) -> None:
        while (
            chunk := stream.read1(_READ_CHUNK)
            if hasattr(stream, "read1")
            else stream.read(_READ_CHUNK)
        ):
            room = self.cap - self.kept
            if room > 0:
                self.chunks.append(chunk[:room])
                self.kept += min(room, len(chunk))
            self.dropped += max(0, len(chunk) - max(room, 0))
        stream.close()

    def text(self) -> str:
        return b"".join(self.chunks).decode("utf-8", errors="replace")


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
    """How one command that runs learner code is contained (graders.containment says how).

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
    """Run `argv` to completion or to its time limit; never leaves a process behind.

    `untrusted` contains a command that runs learner code; `netns` lets a trusted one (the
    grader's checks, Locust) join the network namespace the learner's service lives in.
    A `cleanup` command (kill a uid's stragglers, remove a namespace) runs after an interrupt
    too, when nothing else may start. `stdin` is written to the command's standard input,
    which is then closed (without it the command reads end-of-file at once)."""
    if not cleanup:
        _refuse_if_aborted()
    confinement = Confinement(limits, untrusted=untrusted, netns=netns)
    started = time.monotonic()
    out, err = _Capture(limits.output_bytes), _Capture(limits.output_bytes)
    proc: subprocess.Popen[bytes] | None = None
    try:
        proc = subprocess.Popen(
            confinement.wrap(argv, cwd),
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.DEVNULL if stdin is None else subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT if merge_stderr else subprocess.PIPE,
            start_new_session=True,
        )
        _LIVE.add((confinement, proc))
        readers = _start_readers(proc, out, err)
        if stdin is not None:
            readers.append(_start_feeder(proc, stdin))
        timed_out = _wait(proc, limits.timeout_seconds)
    finally:
        if proc is not None:
            confinement.kill(proc)
            proc.wait()
            _LIVE.discard((confinement, proc))
        memory_exceeded = confinement.memory_exceeded
        confinement.close()
    for reader in readers:
        reader.join(timeout=5)
    return CommandResult(
        argv=list(argv),
        returncode=None if timed_out else proc.returncode,
        output=out.text(),
        stderr=err.text(),
        duration_seconds=time.monotonic() - started,
        timed_out=timed_out,
        truncated_bytes=out.dropped + err.dropped,
        memory_exceeded=memory_exceeded,
    )


_LIVE: set[tuple[Confinement, subprocess.Popen[bytes]]] = set()
_ABORTED = threading.Event()


class Aborted(Exception):
    """Grading was interrupted: no new process may start."""


def abort_everything() -> None:
    """Refuse new processes and stop every running one (an interrupt leaves nothing behind)."""
    _ABORTED.set()
    stop_everything()


def stop_everything() -> None:
    """Stop every process still running (the end of a grading run)."""
    for confinement, proc in list(_LIVE):
        confinement.kill(proc)
        confinement.close()
    _LIVE.clear()


def allow_new_processes() -> None:
    """Lift `abort_everything`'s ban (the start of a new grading run in the same process)."""
    _ABORTED.clear()


def _refuse_if_aborted() -> None:
    if _ABORTED.is_set():
        raise Aborted("grading was interrupted")


def _start_readers(
    proc: subprocess.Popen[bytes], out: _Capture, err: _Capture
) -> list[threading.Thread]:
    pairs = [(proc.stdout, out), (proc.stderr, err)]
    readers = [
        threading.Thread(target=cap.pump, args=(stream,), daemon=True)
        for stream, cap in pairs
        if stream is not None
    ]
    for reader in readers:
        reader.start()
    return readers


def _start_feeder(proc: subprocess.Popen[bytes], data: bytes) -> threading.Thread:
    """Write `data` to the command's stdin from a thread (a full pipe never blocks the wait)."""

    def feed() -> None:
        assert proc.stdin is not None
        with contextlib.suppress(OSError):  # it exited without reading: nothing to deliver
            proc.stdin.write(data)
        with contextlib.suppress(OSError):
            proc.stdin.close()

    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    return feeder


def _wait(proc: subprocess.Popen[bytes], timeout: float) -> bool:
    """Wait for `proc`; True when it ran out of time."""
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        return True
    return False


class Spawned:
    """A long-running process with its captured output: the learner's service (contained) or
    a database the grader starts for it (`untrusted=None`)."""

    def __init__(
        self,
        argv: Sequence[str],
        *,
        cwd: Path,
        env: Mapping[str, str],
        limits: Limits,
        untrusted: Untrusted | None,
    ) -> None:
        _refuse_if_aborted()
        self.argv = list(argv)
        self._confinement = Confinement(limits, untrusted=untrusted)
        self._capture = _Capture(limits.output_bytes)
        self.proc = subprocess.Popen(
            self._confinement.wrap(argv, cwd),
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        _LIVE.add((self._confinement, self.proc))
        self._readers = _start_readers(self.proc, self._capture, _Capture(0))

    def alive(self) -> bool:
        return self.proc.poll() is None

    @property
    def output(self) -> str:
        return self._capture.text()

    @property
    def memory_exceeded(self) -> bool:
        return self._confinement.memory_exceeded

    def stop(self, how: signal.Signals = signal.SIGTERM, grace: float = 3.0) -> int | None:
        """Stop the process and all it started (`how` first, SIGKILL after `grace` seconds);
        returns the exit code if it had already died."""
        code = self.proc.poll()
        if code is None:
            try:
                os.killpg(self.proc.pid, how)
                self.proc.wait(timeout=grace)
            except (ProcessLookupError, PermissionError, subprocess.TimeoutExpired):
                pass
        self._confinement.kill(self.proc)
        self.proc.wait()
        _LIVE.discard((self._confinement, self.proc))
        for reader in self._readers:
            reader.join(timeout=5)
        self._confinement.close()
        return code
