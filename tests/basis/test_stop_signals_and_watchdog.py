"""basis.interrupts and basis.watchdog on real processes: a Python program that starts a
server through basis.procs, then is stopped by a signal or killed outright."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.processes import eventually, running

OWNER = """
import sys, time
from pathlib import Path
from basis.interrupts import Interrupted, stop_signals_raise
from basis.procs import Limits, Spawned
from basis.watchdog import watched

marker, folder = sys.argv[1], Path(sys.argv[2])
folder.mkdir()
try:
    with stop_signals_raise(), watched(folder):
        server = Spawned(["bash", "-c", 'exec -a "$0" sleep 600', marker], cwd=Path("/"),
                         env={"PATH": "/usr/bin:/bin"}, limits=Limits(timeout_seconds=600))
        try:
            print("started", flush=True)
            time.sleep(600)
        finally:
            time.sleep(0.5)  # a slow cleanup: a second signal must not cut it short
            server.stop()
            folder.rmdir()
            print("stopped", flush=True)
except Interrupted as exc:
    sys.exit(128 + exc.signum)
"""


@pytest.fixture
def owner(tmp_path: Path):
    marker = f"watched-server-{os.getpid()}-{time.monotonic_ns()}"
    folder = tmp_path / "work"
    proc = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(OWNER), marker, str(folder)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline() == "started\n"
    eventually(lambda: bool(running(marker)), "the server starting")
    yield proc, marker, folder
    proc.kill()
    proc.wait()
    for pid in running(marker):  # only on failure: the leak the test is about
        os.kill(pid, signal.SIGKILL)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_stop_signal_unwinds_and_a_second_one_does_not_cut_the_cleanup_short(owner, sig):
    proc, marker, folder = owner
    proc.send_signal(sig)
    time.sleep(0.1)  # inside the slow cleanup, or not yet: either way it must finish
    proc.send_signal(sig)
    out, _ = proc.communicate(timeout=30)
    assert out == "stopped\n"
    assert proc.returncode == 128 + sig
    assert running(marker) == []
    assert not folder.exists()


def test_what_a_killed_process_started_dies_with_it_and_its_folder_goes(owner):
    proc, marker, folder = owner
    proc.kill()  # no handler, no finally: the watchdog is all that is left
    proc.wait()
    eventually(lambda: running(marker) == [], "the server outlived its owner")
    eventually(lambda: not folder.exists(), "the watched folder outlived its owner")


# The signal comes the moment a process has started, before its starter has it in hand: here
# it is sent from inside subprocess.Popen's return. Before, it raised there, with the server or
# command running and nothing to stop it.
IN_THE_WINDOW = """
import os, signal, subprocess, sys
from pathlib import Path
from basis import procs
from basis.interrupts import Interrupted, stop_signals_raise
from basis.procs import Limits, Spawned, run_cmd

marker, kind = sys.argv[1], sys.argv[2]

class SignalledAsItStarts(subprocess.Popen):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        os.kill(os.getpid(), signal.SIGTERM)

procs.subprocess.Popen = SignalledAsItStarts
argv = ["bash", "-c", 'exec -a "$0" sleep 600', marker]
limits = Limits(timeout_seconds=600)
try:
    with stop_signals_raise():
        if kind == "server":
            Spawned(argv, cwd=Path("/"), env={"PATH": "/usr/bin:/bin"}, limits=limits)
        else:
            run_cmd(argv, cwd=Path("/"), env={"PATH": "/usr/bin:/bin"}, limits=limits)
        print("never interrupted", flush=True)
except Interrupted as exc:
    sys.exit(128 + exc.signum)
"""


@pytest.mark.parametrize("kind", ["server", "command"])
def test_a_signal_right_after_a_process_starts_still_stops_it(kind):
    marker = f"classroom-window-{kind}-{os.getpid()}"
    done = subprocess.run(
        [sys.executable, "-c", IN_THE_WINDOW, marker, kind],
        cwd=ROOT,
        capture_output=True,
        timeout=60,
    )
    try:
        assert done.returncode == 128 + signal.SIGTERM, done
        assert b"never interrupted" not in done.stdout
        assert running(marker) == []
    finally:
        for pid in running(marker):
            os.kill(pid, signal.SIGKILL)
