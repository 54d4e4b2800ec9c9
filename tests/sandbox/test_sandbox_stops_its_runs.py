"""A stopped sandbox server leaves none of its workflow runs running.

act runs each workflow in a session of its own (basis.procs), out of reach of a signal sent to
the server. Stopped by a signal, `classroom sandbox serve` unwinds and its runner kills every
act run it started; killed outright (SIGKILL), its watchdog (basis.watchdog) does.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from github import Auth, Github

from sandbox.server import free_port
from tests.graders.conftest import live_processes

pytestmark = pytest.mark.slow  # a server in a process of its own, running a workflow with act
STEP_PROCESS_NAME = "sandbox-run-that-never-ends"
SLEEPS = f"""\
name: sleeps
on: push
jobs:
  sleeps:
    runs-on: ubuntu-latest
    steps:
      - run: exec -a {STEP_PROCESS_NAME} sleep 900
"""


def _classroom(*args: str) -> list[str]:
    return [sys.executable, "-m", "classroom.cli", "sandbox", *args]


def _serve(tmp_path: Path) -> tuple[subprocess.Popen[str], str, str]:
    """A seeded server in a process of its own, its temporary files under tmp_path/tmp."""
    port, data = free_port(), str(tmp_path / "data")
    seeded = subprocess.run(
        _classroom("seed", "--org", "o", "--learners", "0", "--data", data, "--port", str(port)),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    (tmp_path / "tmp").mkdir()
    server = subprocess.Popen(
        _classroom("serve", "--data", data, "--port", str(port), "--workers", "1"),
        env={**os.environ, "TMPDIR": str(tmp_path / "tmp")},
        stderr=subprocess.PIPE,
        text=True,
    )
    return server, f"http://127.0.0.1:{port}", json.loads(seeded.stdout)["instructor"]["token"]


def _push_a_workflow_that_never_ends(url: str, token: str) -> None:
    gh = Github(base_url=url, auth=Auth.Token(token), seconds_between_requests=0,
                seconds_between_writes=0, retry=None)  # fmt: skip
    deadline = time.monotonic() + 30
    while True:
        try:
            org = gh.get_organization("o")
            break
        except Exception:  # the server is still starting
            assert time.monotonic() < deadline, "the sandbox server never answered"
            time.sleep(0.1)
    repo = org.create_repo("hw", private=True, auto_init=True)
    repo.create_file(".github/workflows/sleeps.yml", "ci", SLEEPS)


def _wait_for(found: Callable[[], object], what: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not found():
        assert time.monotonic() < deadline, f"{what} never happened"
        time.sleep(0.1)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP, signal.SIGKILL])
def test_a_stopped_sandbox_leaves_no_act_run_running(tmp_path, sig):
    server, url, token = _serve(tmp_path)
    runs = tmp_path / "tmp"
    try:
        _push_a_workflow_that_never_ends(url, token)
        _wait_for(lambda: live_processes(runs, STEP_PROCESS_NAME), "the workflow's step starting")
        assert live_processes(runs, "act "), "the step runs outside act?"
        server.send_signal(sig)
        server.wait(timeout=60)
        if sig != signal.SIGKILL:  # it stopped its runs before it exited
            assert server.returncode == 128 + sig, server.stderr.read() if server.stderr else ""
            assert live_processes(runs) == []
        # A SIGKILLed server's watchdog acts once it sees the pipe close.
        _wait_for(lambda: live_processes(runs) == [], "every process of the run ending", 30)
        _wait_for(lambda: list(runs.glob("sandbox-run-*")) == [], "the run's folder going", 30)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
