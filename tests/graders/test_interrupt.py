"""Interrupting `classroom grade` (Ctrl-C, a cancelled CI job's SIGTERM, a closed terminal's
SIGHUP) stops everything."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from graders.running.containment import detect
from tests.conftest import NOTES_ASSIGNMENT, SUBMISSIONS
from tests.graders.conftest import live_processes

pytestmark = pytest.mark.slow
HOSTILE_DAEMON = SUBMISSIONS.parent / "hostile" / "leaves_a_daemon_behind"


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_an_interrupted_grade_stops_the_service_and_every_child(tmp_path, sig, grading_runs):
    runs = grading_runs
    grader = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "classroom.cli",
            "grade",
            str(SUBMISSIONS / "passes_all"),
            "--assignment",
            str(NOTES_ASSIGNMENT),
            "--out",
            str(tmp_path / "out"),
            "--skip",
            "hidden",
            "--skip",
            "tests",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        # As a terminal's Ctrl-C finds it: a shell's background job starts with SIGINT
        # ignored, and Python then installs no handler for it.
        preexec_fn=_default_sigint,
    )
    try:
        # No deadline of its own: on a slow machine the stages before the load stage can take
        # any time; the grader's own limits (and pytest's timeout) bound the wait.
        while not live_processes(runs, "app.main"):
            assert grader.poll() is None, grader.communicate()
            time.sleep(0.05)
        grader.send_signal(sig)
        _, err = grader.communicate(timeout=30)
        assert grader.returncode == 128 + sig, err
        assert f"interrupted by {sig.name}".encode() in err
        assert live_processes(runs) == []
        assert not (tmp_path / "out" / "results.json").exists()
    finally:
        if grader.poll() is None:
            grader.kill()


SLEEPS_FOR_AN_HOUR = """\
import time


def test_waits_for_an_answer_that_never_comes() -> None:
    time.sleep(3600)
"""


def test_an_interrupt_during_the_concurrent_stages_stops_them_without_waiting_for_their_end(
    tmp_path, grading_runs
):
    """The tests stage runs in a thread beside lint and types; its pytest sleeps for an hour
    under an hour's limits. SIGTERM must end the grading now, not when that stage would."""
    assignment = tmp_path / "notes"
    shutil.copytree(NOTES_ASSIGNMENT, assignment)
    toml = assignment / "assignment.toml"
    toml.write_text(
        toml.read_text()
        .replace("timeout_seconds = 60", "timeout_seconds = 7200")
        .replace("per_test_timeout_seconds = 5", "per_test_timeout_seconds = 7200")
    )
    folder = tmp_path / "submission"
    shutil.copytree(SUBMISSIONS / "passes_all", folder)
    (folder / "tests" / "test_sleeps.py").write_text(SLEEPS_FOR_AN_HOUR)
    grader = subprocess.Popen(
        [sys.executable, "-m", "classroom.cli", "grade", str(folder), "--assignment",
         str(assignment), "--out", str(tmp_path / "out"), "--skip", "hidden", "--skip", "load"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        while not live_processes(grading_runs, "pytest"):  # bounded as in the test above
            assert grader.poll() is None, grader.communicate()
            time.sleep(0.05)
        grader.send_signal(signal.SIGTERM)
        # Far below the stage's hour: before the fix, leaving the stages' thread pool waited
        # for the tests stage to end on its own.
        _, err = grader.communicate(timeout=120)
        assert grader.returncode == 128 + signal.SIGTERM, err
        assert b"interrupted by SIGTERM" in err
        assert live_processes(grading_runs) == []
    finally:
        if grader.poll() is None:
            grader.kill()
            grader.wait()


def _pid_namespace(pid: int) -> str:
    return str(Path(f"/proc/{pid}/ns/pid").readlink())


def _in_namespace(namespace: str) -> list[int]:
    """The live processes of a pid namespace (a zombie runs nothing: it waits to be reaped)."""
    found = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
            if state != "Z" and str((proc / "ns" / "pid").readlink()) == namespace:
                found.append(int(proc.name))
        except OSError:
            continue
    return found


def _daemon_noted(runs: Path) -> bool:
    return any("daemon" in note.read_text() for note in runs.rglob("witness.txt"))


@pytest.mark.skipif(bool(detect().missing()), reason="the daemon's pid namespace needs bwrap")
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_a_daemon_that_ignores_sigterm_does_not_outlive_an_interrupted_grading(
    tmp_path, grading_runs, sig
):
    """tests/fixtures/hostile/leaves_a_daemon_behind double-forks, leaves the service's session
    and ignores SIGTERM; the grading is stopped while its service (and the daemon) run."""
    folder = tmp_path / "leaves_a_daemon_behind"
    for layer in (SUBMISSIONS / "passes_all", SUBMISSIONS / "half_done", HOSTILE_DAEMON):
        shutil.copytree(layer, folder, dirs_exist_ok=True)
    (folder / "outside.txt").write_text(f"{tmp_path / 'outside'}\n")
    grader = subprocess.Popen(
        [sys.executable, "-m", "classroom.cli", "grade", str(folder), "--official",
         "--assignment", str(NOTES_ASSIGNMENT), "--hidden-tests",
         str(NOTES_ASSIGNMENT / "hidden_tests"), "--out", str(tmp_path / "out")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 180
        while not (services := live_processes(grading_runs, "app.main")) or not _daemon_noted(
            grading_runs
        ):
            assert grader.poll() is None, grader.communicate()
            assert time.monotonic() < deadline, "the service never left its daemon"
            time.sleep(0.05)
        host = _pid_namespace(os.getpid())
        inside = {_pid_namespace(int(line.split(":")[0])) for line in services} - {host}
        assert len(inside) == 1, "one service, in a pid namespace of its own (bwrap)"
        namespace = inside.pop()
        assert len(_in_namespace(namespace)) >= 3, "bwrap's init, the service and its daemon"
        grader.send_signal(sig)
        _, err = grader.communicate(timeout=60)
        if sig != signal.SIGKILL:
            assert grader.returncode == 128 + sig, err
            assert _in_namespace(namespace) == []
        deadline = time.monotonic() + 30  # after SIGKILL: once the watchdog sees it gone
        while _in_namespace(namespace) or live_processes(grading_runs):
            assert time.monotonic() < deadline, _in_namespace(namespace)
            time.sleep(0.1)
    finally:
        if grader.poll() is None:
            grader.kill()
            grader.wait()
