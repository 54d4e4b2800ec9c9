"""A command started by a niced process keeps its niceness, though it starts a session (and
so, with the kernel's autogroups, a scheduling group) of its own."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

AUTOGROUPS = Path("/proc/sys/kernel/sched_autogroup_enabled")
# The priority is given just after the command starts: it looks for up to 5 s. Seven more
# than the test's own niceness (make test runs some tests niced already).
NICED_PARENT = """
import os
from basis.procs import run_raw
niceness = os.nice(7)
looks = (f"for i in $(seq 50); do grep -q 'nice {niceness}$' /proc/self/autogroup && break; "
         "sleep 0.1; done")
shown = run_raw(["sh", "-c", f"{looks}; cat /proc/self/autogroup"]).stdout.decode().strip()
print(niceness, shown)
"""


@pytest.mark.skipif(
    not AUTOGROUPS.exists() or AUTOGROUPS.read_text().strip() != "1",
    reason="the kernel groups no processes by session here (sched_autogroup_enabled is not 1)",
)
def test_a_command_of_a_niced_process_runs_at_its_niceness() -> None:
    done = subprocess.run(
        [sys.executable, "-c", NICED_PARENT],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        cwd=Path(__file__).parents[2],
    )
    niceness, autogroup = done.stdout.strip().split(" ", 1)
    assert int(niceness) >= 7
    assert autogroup.endswith(f"nice {niceness}"), done.stdout + done.stderr
