"""Shared fixtures: submission folders built from the outcome-named fixtures."""

from __future__ import annotations

import shutil
import signal
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

from basis.interrupts import stop_signals_raise

FIXTURES = Path(__file__).parent / "fixtures"
SUBMISSIONS = FIXTURES / "submissions"
NOTES_ASSIGNMENT = FIXTURES / "assignments" / "notes"
ROOT = Path(__file__).parent.parent
# Submission environments are cached across tests (and runs); sandbox-readable, not in $HOME.
SHARED_CACHE = Path(tempfile.gettempdir()) / "backend-classroom-test-cache"


def pytest_configure(config: pytest.Config) -> None:
    """SIGTERM or SIGHUP (a cancelled CI job, `kill`, a closed terminal) stop the run as Ctrl-C
    does: pytest unwinds and every fixture's teardown stops what it started (a sandbox server's
    act runs, a grading's services) instead of dying with them left running.

    A run started under `nohup` or as a shell's background job has SIGHUP or SIGINT ignored,
    and every process it starts would inherit that: the tests that send those signals to a
    grading they started would then test nothing. So the suite takes them back first."""
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    if signal.getsignal(signal.SIGHUP) is signal.SIG_IGN:
        signal.signal(signal.SIGHUP, signal.SIG_DFL)
    stops = stop_signals_raise((signal.SIGTERM, signal.SIGHUP))
    stops.__enter__()
    config.add_cleanup(lambda: stops.__exit__(None, None, None))


@pytest.fixture(autouse=True)
def _home_is_not_written(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tests must not write to the real $HOME (pre-commit's guard): give each a fake one."""
    monkeypatch.setenv("HOME", str(tmp_path_factory.mktemp("home")))


@pytest.fixture
def overlay_submission(tmp_path: Path) -> Callable[[str], Path]:
    """Build a submission: `passes_all` first, then the named fixture's files on top."""

    def build(name: str) -> Path:
        target = tmp_path / name
        shutil.copytree(SUBMISSIONS / "passes_all", target)
        if name != "passes_all":
            shutil.copytree(SUBMISSIONS / name, target, dirs_exist_ok=True)
        return target

    return build
