"""Interrupting `classroom grade` (Ctrl-C, a cancelled CI job's SIGTERM, a closed terminal's
SIGHUP) stops everything."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest

from tests.conftest import NOTES_ASSIGNMENT, SUBMISSIONS
from tests.graders.conftest import live_processes

pytestmark = pytest.mark.slow


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
        deadline = time.monotonic() + 60
        while not live_processes(runs, "app.main") and time.monotonic() < deadline:
            assert grader.poll() is None, grader.communicate()
            time.sleep(0.05)
        assert live_processes(runs, "app.main"), "the load stage's service never started"
        grader.send_signal(sig)
        _, err = grader.communicate(timeout=30)
        assert grader.returncode == 128 + sig, err
        assert f"interrupted by {sig.name}".encode() in err
        assert live_processes(runs) == []
        assert not (tmp_path / "out" / "results.json").exists()
    finally:
        if grader.poll() is None:
            grader.kill()
