"""Every way a command is asked to stop, turned into one: `Interrupted`, a KeyboardInterrupt.

Python turns Ctrl-C (SIGINT) into KeyboardInterrupt, so `finally` blocks and context managers
stop what a command started. SIGTERM (a cancelled CI job, `kill`, a test harness) and SIGHUP
(a closed terminal or SSH session) kill the process outright instead: no `finally` runs and
every server it started in a session of its own is left running. Inside `stop_signals_raise`,
the first of the three raises `Interrupted` in the main thread; any later one is ignored while
the command unwinds, so a second Ctrl-C cannot cut a cleanup short (SIGKILL still can, and
basis.watchdog answers that).
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator, Sequence
from types import FrameType

__all__ = ["STOP_SIGNALS", "Interrupted", "deferred", "exit_code_of", "stop_signals_raise"]

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class Interrupted(KeyboardInterrupt):
    """The command was asked to stop by `signum`."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name


def exit_code_of(exc: KeyboardInterrupt) -> int:
    """128 + the signal's number, as a shell reports a command a signal ended (130: Ctrl-C)."""
    return 128 + (exc.signum if isinstance(exc, Interrupted) else signal.SIGINT)


@contextlib.contextmanager
def stop_signals_raise(signals: Sequence[signal.Signals] = STOP_SIGNALS) -> Iterator[None]:
    """SIGINT, SIGTERM and SIGHUP (or `signals`) raise `Interrupted` (once) for the block.

    A signal the process started with ignored stays ignored (a shell's background job ignores
    SIGINT; `nohup` ignores SIGHUP). Outside the main thread there is nothing to install."""
    raised = False

    def interrupt(signum: int, _frame: FrameType | None) -> None:
        nonlocal raised
        if raised:
            return  # unwinding already: let the cleanup finish
        raised = True
        if _deferring.depth:
            _deferring.pending = signum  # raised as the `deferred` block ends
            return
        raise Interrupted(signum)

    previous: dict[signal.Signals, object] = {}
    try:
        for sig in signals:
            if signal.getsignal(sig) is not signal.SIG_IGN:
                previous[sig] = signal.signal(sig, interrupt)
    except ValueError:  # not the main thread (a test's worker): signals are not ours to take
        yield
        return
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)  # type: ignore[arg-type]  # what getsignal gave back


class _Deferring(threading.local):
    depth = 0
    pending: int | None = None


_deferring = _Deferring()  # the handler runs in the main thread: its state is the one read


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """A stop signal that comes inside the block raises `Interrupted` as the block ends.

    For the few lines between starting a process and registering it to be stopped: raised in
    between, the interrupt would leave a process nobody knows about (a database server started
    but never stopped). Signals only interrupt the main thread, so another thread's block
    changes nothing."""
    _deferring.depth += 1
    try:
        yield
    finally:
        _deferring.depth -= 1
    if _deferring.depth == 0 and _deferring.pending is not None:
        signum, _deferring.pending = _deferring.pending, None
        raise Interrupted(signum)
