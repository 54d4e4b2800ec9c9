"""Interrupting `classroom grade` (Ctrl-C, or a cancelled CI job's SIGTERM) stops everything."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tests.conftest import NOTES_ASSIGNMENT, SHARED_CACHE, SUBMISSIONS

pytestmark = pytest.mark.slow


def processes_in(folder: Path, needle: str) -> list[int]:
    """Live processes whose working directory is under `folder` and command line has `needle`."""
    found = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            cwd = str((proc / "cwd").readlink())
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z" and cwd.startswith(str(folder)) and needle in cmdline:
            found.append(int(proc.name))
    return found


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupted_grade_stops_the_service_and_every_child(tmp_path, sig):
    runs = Path(tempfile.mkdtemp(prefix="classroom-interrupt-"))
    runs.chmod(0o755)
    env = {**os.environ, "TMPDIR": str(runs), "CLASSROOM_CACHE_DIR": str(SHARED_CACHE)}
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
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while not processes_in(runs, "app.main") and time.monotonic() < deadline:
            assert grader.poll() is None, grader.communicate()
            time.sleep(0.05)
        assert processes_in(runs, "app.main"), "the load stage's service never started"
        grader.send_signal(sig)
        _, err = grader.communicate(timeout=30)
        assert grader.returncode == 130
        assert b"interrupted" in err
        assert processes_in(runs, "") == []
        assert not (tmp_path / "out" / "results.json").exists()
    finally:
        if grader.poll() is None:
            grader.kill()
        shutil.rmtree(runs, ignore_errors=True)
