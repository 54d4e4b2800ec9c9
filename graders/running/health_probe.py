"""Is a service answering yet: its health URL polled from inside its network namespace."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import httpx

from basis.procs import Limits
from graders.running.process import clean_env, run_cmd

# Polls `url` for up to `budget` seconds from wherever it runs; prints the last status seen.
_PROBE = """
import sys, time, urllib.error, urllib.request
url, budget = sys.argv[1], float(sys.argv[2])
end, last = time.monotonic() + budget, "no answer"
while True:
    try:
        with urllib.request.urlopen(url, timeout=2) as answer:
            last = f"HTTP {answer.status}"
    except urllib.error.HTTPError as exc:
        last = f"HTTP {exc.code}"
    except OSError as exc:
        last = type(getattr(exc, "reason", exc)).__name__
    if last == "HTTP 200" or time.monotonic() > end:
        break
    time.sleep(0.1)
print(last)
"""


def probe(url: str, netns: Path | None, budget: float) -> str:
    """The service's answer to `url` ("HTTP 200", "HTTP 503", "ConnectionRefusedError"…),
    asked from inside its network namespace when it has one."""
    if netns is None:
        return _probe_here(url, budget)
    outcome = run_cmd(
        [sys.executable, "-I", "-c", _PROBE, url, f"{budget:.2f}"],
        cwd=Path("/"),
        env=clean_env(),
        limits=Limits(timeout_seconds=budget + 5, output_bytes=4096),
        netns=netns,
    )
    lines = outcome.output.strip().splitlines()
    return lines[-1] if lines else "no answer"


def _probe_here(url: str, budget: float) -> str:
    end, last = time.monotonic() + budget, "no answer"
    with httpx.Client(timeout=2.0) as client:
        while True:
            try:
                last = f"HTTP {client.get(url).status_code}"
            except httpx.HTTPError as exc:
                last = type(exc).__name__
            if last == "HTTP 200" or time.monotonic() > end:
                return last
            time.sleep(0.1)
