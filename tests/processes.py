"""Helpers for tests about processes left behind: find them by a marker, wait for a state."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path


def running(marker: str) -> list[int]:
    """Live processes (zombies left out) whose command line starts with `marker`."""
    found = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            cmdline = (proc / "cmdline").read_bytes()
            state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if cmdline.startswith(marker.encode()) and state != "Z":
            found.append(int(proc.name))
    return found


def eventually(check: Callable[[], bool], what: str, timeout: float = 20) -> None:
    """Wait until `check()` holds; fail naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"{what}: still not so"
        time.sleep(0.05)
