"""benchmarks/test_strength.py stopped by a signal while its workers grade mutants against
PostgreSQL: every grading unwinds, nothing is left running, no folder is left behind."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT, SHARED_CACHE
from tests.graders.conftest import live_processes

# Real gradings of a PostgreSQL assignment, two at a time.
pytestmark = pytest.mark.slow


@pytest.fixture
def runs() -> Iterator[Path]:
    """The benchmark's TMPDIR, which the graders' unprivileged uids can pass through (pytest's
    own tmp_path sits under a root-only folder)."""
    folder = Path(tempfile.mkdtemp(prefix="classroom-test-runs-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


# SIGHUP only: SIGTERM and SIGINT take the same handler (basis.interrupts, each tested on its
# own in tests/basis/test_stop_signals_and_watchdog.py), and the pool stops its workers with
# SIGTERM whichever signal stopped the benchmark.
@pytest.mark.parametrize("sig", [signal.SIGHUP])
def test_a_stopped_strength_run_leaves_no_grading_running(runs: Path, sig: signal.Signals):
    bench = subprocess.Popen(
        [sys.executable, "benchmarks/test_strength.py", "legacy-inventory", "--limit", "4",
         "--jobs", "2"],
        cwd=ROOT,
        env={**os.environ, "TMPDIR": str(runs), "CLASSROOM_CACHE_DIR": str(SHARED_CACHE),
             "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        assert bench.stdout is not None
        for line in bench.stdout:  # the baseline is graded first, in the main process
            if b"mutants to grade" in line:
                break
        else:
            pytest.fail(f"the benchmark ended early: {bench.communicate()}")
        deadline = time.monotonic() + 180
        while not live_processes(runs, "postgres -D"):
            assert bench.poll() is None, bench.communicate()
            assert time.monotonic() < deadline, "no worker started PostgreSQL"
            time.sleep(0.05)
        bench.send_signal(sig)
        _, err = bench.communicate(timeout=120)
        assert bench.returncode == 128 + sig, err
        assert b"interrupted" in err
        # A PostgreSQL whose grading unwound may still be finishing its shutdown as the
        # benchmark exits (its postmaster was seen a moment later in one make test run of
        # stop 32, as its folder was in stop 30's): gone within 30 s, or left running.
        deadline = time.monotonic() + 30
        while (left := live_processes(runs)) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert left == []
        assert list(runs.glob("classroom-strength-*")) == []
    finally:
        if bench.poll() is None:
            bench.kill()
            bench.wait()
