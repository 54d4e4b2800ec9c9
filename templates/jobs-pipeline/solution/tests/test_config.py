"""Configuration: a process that cannot reach Ledgerly refuses to start, and says why."""

import subprocess
import sys

import pytest

from tests.conftest import worker_env


def start_worker(**env: str) -> subprocess.CompletedProcess[str]:
    unset = {"LEDGER_URL", "LEDGER_TIMEOUT_SECONDS"} - env.keys()
    clean = {k: v for k, v in worker_env(**env).items() if k not in unset}
    return subprocess.run(
        [sys.executable, "-m", "app.worker"],
        env=clean,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def test_no_ledger_means_no_start() -> None:
    started = start_worker()
    assert started.returncode != 0
    assert "LEDGER_URL" in started.stderr


@pytest.mark.parametrize("timeout", ["0", "-1", "soon"])
def test_a_ledger_timeout_that_is_not_a_positive_number_means_no_start(timeout: str) -> None:
    started = start_worker(LEDGER_URL="http://127.0.0.1:9", LEDGER_TIMEOUT_SECONDS=timeout)
    assert started.returncode != 0
    assert "LEDGER_TIMEOUT_SECONDS" in started.stderr
