"""Fixtures for grading runs: a folder the sandbox uid can reach, and a look at what still runs."""

from __future__ import annotations

import shutil
import socket
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import SHARED_CACHE


@pytest.fixture
def grading_runs(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh folder every grading run in the test works under (and the shared env cache)."""
    runs = Path(tempfile.mkdtemp(prefix="classroom-test-runs-"))
    runs.chmod(0o755)  # the grader drops to an unprivileged uid that must reach its work folders
    monkeypatch.setattr(tempfile, "tempdir", str(runs))
    monkeypatch.setenv("TMPDIR", str(runs))  # for graders started as subprocesses
    monkeypatch.setenv("CLASSROOM_CACHE_DIR", str(SHARED_CACHE))
    yield runs
    shutil.rmtree(runs, ignore_errors=True)


def live_processes(folder: Path, needle: str = "") -> list[str]:
    """Live (non-zombie) processes working in `folder` or naming it, whose command has `needle`."""
    found = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            cwd = str((proc / "cwd").readlink())
        except OSError:
            continue
        inside = str(folder) in cmdline or cwd.startswith(str(folder))
        if state != "Z" and inside and needle in cmdline:
            found.append(f"{proc.name}: {cmdline}")
    return found


@contextmanager
def connections_to(host: str) -> Iterator[tuple[int, list[str]]]:
    """A TCP listener on `host` (the test's own bait): its port, and who connected to it."""
    server = socket.create_server((host, 0))
    server.settimeout(0.2)
    seen: list[str] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, peer = server.accept()
            except OSError:
                continue
            seen.append(str(peer))
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1], seen
    finally:
        stop.set()
        thread.join(timeout=2)
        server.close()
