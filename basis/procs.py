"""The one gateway for subprocesses: a time limit, an output cap, and nothing left running.

Every command the three parts run goes through `run_cmd` (to completion, its output as
text), `run_raw` (a server's request: bytes in and out, an error when it fails, cancellable)
or `Spawned` (a long-running server). A command runs in a session of its own, so a timeout or
the end of it kills all it started. `confine` wraps a command line before it starts and kills
what it started after: `Direct` for trusted commands (git, act, the grader's own tools); the
grader contains learner code with its own (graders.running.process.Confinement). After
`abort_everything` (an interrupt) nothing new starts and everything running is stopped;
`run_raw`'s commands answer a server's requests, not a run, and are left to finish. Should this
process die without a chance to stop them (SIGKILL), basis.watchdog kills every one.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Literal, Protocol

from basis import interrupts, watchdog

__all__ = [
    "Aborted",
    "Cancelled",
    "CommandFailed",
    "CommandResult",
    "Confine",
    "Direct",
    "Limits",
    "Spawned",
    "abort_everything",
    "allow_new_processes",
    "run_cmd",
    "run_raw",
    "stop_everything",
]

_READ_CHUNK = 65536
RAW_OUTPUT_CAP = 50 * 1024 * 1024  # a git pack the sandbox serves
Ending = Literal["exited", "timed-out", "cancelled"]


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


class Confine(Protocol):
    """How one command is run and ended: its command line, and who is killed after it."""

    def wrap(self, argv: Sequence[str], cwd: Path) -> list[str]:
        """The command line that runs `argv` (from `cwd`)."""
        ...

    def kill(self, proc: subprocess.Popen[bytes]) -> None:
        """Kill the command and every descendant it started."""
        ...

    def close(self) -> None:
        """Release what `wrap` set up."""
        ...

    @property
    def memory_exceeded(self) -> bool:
        """True when the command ran out of the memory it was given."""
        ...


class Direct:
    """A trusted command, run as it is; its process group is killed after it."""

    def wrap(self, argv: Sequence[str], cwd: Path) -> list[str]:  # noqa: ARG002  (the protocol's)
        """`argv` itself."""
        return list(argv)

    def kill(self, proc: subprocess.Popen[bytes]) -> None:
        """Kill the command's process group."""
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)

    def close(self) -> None:
        """Nothing to release."""

    @property
    def memory_exceeded(self) -> bool:
        return False


@dataclass
class _Capture:
    """Keeps the first `cap` bytes of a stream and counts the rest, draining it all."""

    cap: int
    chunks: list[bytes] = field(default_factory=list)
    kept: int = 0
    dropped: int = 0
    observe: Callable[[bytes], None] | None = None  # sees every chunk as it comes, kept or not

    def pump(self, stream: IO[bytes]) -> None:
        while (
            chunk := stream.read1(_READ_CHUNK)
            if hasattr(stream, "read1")
            else stream.read(_READ_CHUNK)
        ):
            if self.observe is not None:
                self.observe(chunk)
            room = self.cap - self.kept
            if room > 0:
                self.chunks.append(chunk[:room])
                self.kept += min(room, len(chunk))
            self.dropped += max(0, len(chunk) - max(room, 0))
        stream.close()

    def text(self) -> str:
        return b"".join(self.chunks).decode("utf-8", errors="replace")


def run_cmd(
    argv: Sequence[str],
    *,
    cwd: Path,
    env: Mapping[str, str],
    limits: Limits,
    confine: Callable[[], Confine] = Direct,
    merge_stderr: bool = True,
    cleanup: bool = False,
    stdin: bytes | None = None,
) -> CommandResult:
    """Run `argv` to completion or to its time limit; never leaves a process behind.

    A `cleanup` command (kill a uid's stragglers, remove a namespace) runs after an interrupt
    too, when nothing else may start. `stdin` is written to the command's standard input,
    which is then closed (without it the command reads end-of-file at once)."""
    if not cleanup:
        _refuse_if_aborted()
    ran = _run(argv, cwd, env, limits, confine(), merge_stderr, stdin, None, track=not cleanup)
    return CommandResult(
        argv=list(argv),
        returncode=None if ran.ending == "timed-out" else ran.returncode,
        output=ran.out.text(),
        stderr=ran.err.text(),
        duration_seconds=ran.seconds,
        timed_out=ran.ending == "timed-out",
        truncated_bytes=ran.out.dropped + ran.err.dropped,
        memory_exceeded=ran.memory_exceeded,
    )


class CommandFailed(Exception):
    """A `run_raw` command exited non-zero or ran out of time."""

    def __init__(self, args: Sequence[str], code: int, stderr: bytes) -> None:
        super().__init__(
            f"{' '.join(args)} exited {code}: {stderr[-2000:].decode(errors='replace')}"
        )
        self.code = code
        self.stderr = stderr


class Cancelled(Exception):
    """A `run_raw` command was stopped on request."""


def run_raw(
    args: Sequence[str],
    *,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    stdin: bytes = b"",
    timeout: float = 60,
    check: bool = True,
    cancel: threading.Event | None = None,
    observe: Callable[[bytes], None] | None = None,
) -> subprocess.CompletedProcess[bytes]:
    """Run trusted `args` (git, act) for a server's request: bytes in, bytes out (each capped).
    `observe` sees the standard output as it comes, chunk by chunk (act's live log).

    Raises CommandFailed when it runs out of time, or exits non-zero and `check`; Cancelled
    when `cancel` is set first (its process group is killed either way)."""
    limits = Limits(timeout_seconds=timeout, output_bytes=RAW_OUTPUT_CAP)
    ran = _run(
        args,
        cwd or Path.cwd(),
        os.environ if env is None else env,
        limits,
        Direct(),
        False,
        stdin,
        cancel,
        track=False,
        observe=observe,
    )
    if ran.ending == "cancelled":
        raise Cancelled(" ".join(args))
    if ran.ending == "timed-out":
        raise CommandFailed(args, -1, b"timed out after %d s" % timeout)
    out, err = b"".join(ran.out.chunks), b"".join(ran.err.chunks)
    if check and ran.returncode != 0:
        raise CommandFailed(args, ran.returncode, err)
    return subprocess.CompletedProcess(list(args), ran.returncode, out, err)


@dataclass
class _Ran:
    """A command that ended: how, with what exit code, and its captured streams."""

    returncode: int
    ending: Ending
    out: _Capture
    err: _Capture
    seconds: float
    memory_exceeded: bool


def _run(
    argv: Sequence[str],
    cwd: Path,
    env: Mapping[str, str],
    limits: Limits,
    confinement: Confine,
    merge_stderr: bool,
    stdin: bytes | None,
    cancel: threading.Event | None,
    *,
    track: bool,
    observe: Callable[[bytes], None] | None = None,
) -> _Ran:
    """Run one command to its end; `track`: a run's process, which stop_everything stops
    (a cleanup command is not: it runs to its end after an interrupt, in its own time limit)."""
    started = time.monotonic()
    out, err = _Capture(limits.output_bytes, observe=observe), _Capture(limits.output_bytes)
    proc: subprocess.Popen[bytes] | None = None
    readers: list[threading.Thread] = []
    try:
        with interrupts.deferred():  # started and known to the cleanup below, or not started
            proc = subprocess.Popen(
                confinement.wrap(argv, cwd),
                cwd=cwd,
                env=dict(env),
                stdin=subprocess.DEVNULL if stdin is None else subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT if merge_stderr else subprocess.PIPE,
                start_new_session=True,
            )
            watchdog.watch_group(proc.pid)
            keep_priority(proc.pid)
            if track:
                _track(confinement, proc)
        readers = _start_readers(proc, out, err)
        if stdin is not None:
            readers.append(_start_feeder(proc, stdin))
        ending = _wait(proc, limits.timeout_seconds, cancel)
    finally:
        if proc is not None:
            confinement.kill(proc)
            proc.wait()
            watchdog.forget_group(proc.pid)
            _LIVE.discard((confinement, proc))
        memory_exceeded = confinement.memory_exceeded
        confinement.close()
    for reader in readers:
        reader.join(timeout=5)
    return _Ran(proc.returncode, ending, out, err, time.monotonic() - started, memory_exceeded)


def keep_priority(pid: int) -> None:
    """Give the session `pid` has just started our own niceness. Every command here starts a
    session of its own (so that its whole group can be killed), and where the kernel groups
    processes for scheduling by session (autogroups, Linux's default on desktops and many
    servers) a new session starts at nice 0 whatever its parent's niceness: `nice classroom
    grade` would reach the grader's own process and none of the work it starts. The command's
    children share its session, so they share the priority too."""
    niceness = os.getpriority(os.PRIO_PROCESS, 0)
    if niceness <= 0:
        return
    with contextlib.suppress(OSError):  # no autogroups here, or the process ended already
        Path(f"/proc/{pid}/autogroup").write_text(f"{niceness}\n")


_LIVE: set[tuple[Confine, subprocess.Popen[bytes]]] = set()
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
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=5)  # reaped: its number is free, so the watchdog must forget it
            watchdog.forget_group(proc.pid)
    _LIVE.clear()


def allow_new_processes() -> None:
    """Lift `abort_everything`'s ban (the start of a new grading run in the same process)."""
    _ABORTED.clear()


def _track(confinement: Confine, proc: subprocess.Popen[bytes]) -> None:
    """Make `proc` one that stop_everything stops. An interrupt that came between the check
    before it started and now has missed it: it is stopped here instead."""
    _LIVE.add((confinement, proc))
    if _ABORTED.is_set():
        confinement.kill(proc)


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


def _wait(proc: subprocess.Popen[bytes], timeout: float, cancel: threading.Event | None) -> Ending:
    """Wait for `proc` to exit, its time to run out, or `cancel`."""
    if cancel is None:
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return "timed-out"
        return "exited"
    deadline = time.monotonic() + timeout
    while proc.poll() is None:
        if cancel.wait(0.2):
            return "cancelled"
        if time.monotonic() > deadline:
            return "timed-out"
    return "exited"


class Spawned:
    """A long-running process with its captured output (a server: the learner's service, a
    database the grader starts for it)."""

    def __init__(
        self,
        argv: Sequence[str],
        *,
        cwd: Path,
        env: Mapping[str, str],
        limits: Limits,
        confine: Callable[[], Confine] = Direct,
        observe: Callable[[bytes], None] | None = None,
    ) -> None:
        """`observe` sees every chunk of output as it comes (kept or not): a log file, say."""
        _refuse_if_aborted()
        self.argv = list(argv)
        self._confinement = confine()
        self._capture = _Capture(limits.output_bytes, observe=observe)
        # Started and registered, or not started: an interrupt in between would leave a
        # server that nothing stops. One that came meanwhile stops it here, as the caller's
        # cleanup only begins once this returns.
        try:
            with interrupts.deferred():
                self.proc = subprocess.Popen(
                    self._confinement.wrap(argv, cwd),
                    cwd=cwd,
                    env=dict(env),
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
                watchdog.watch_group(self.proc.pid)
                keep_priority(self.proc.pid)
                _track(self._confinement, self.proc)
                self._readers = _start_readers(self.proc, self._capture, _Capture(0))
        except interrupts.Interrupted:
            self.stop()
            raise

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
        watchdog.forget_group(self.proc.pid)
        _LIVE.discard((self._confinement, self.proc))
        for reader in self._readers:
            reader.join(timeout=5)
        self._confinement.close()
        return code
