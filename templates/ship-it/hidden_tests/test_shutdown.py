import os
import signal
import threading
import time
from pathlib import Path
from typing import Any

import httpx


def test_sigterm_finishes_the_request_in_flight_then_exits(shipquote: Any) -> None:
    """A deploy sends SIGTERM to the second instance while it waits for Parcelway: that request still gets its 201, then the process exits within 10 s."""
    weight = shipquote.weight()
    shipquote.script(weight, slow=1, delay_ms=700)
    answers: list[int] = []

    def ask() -> None:
        try:
            answer = httpx.post(
                f"{shipquote.base_urls[1]}/quotes", json=shipquote.parcel(weight), timeout=15
            )
            answers.append(answer.status_code)
        except httpx.HTTPError:
            answers.append(0)

    asking = threading.Thread(target=ask)
    asking.start()
    assert shipquote.wait_for_call(weight)
    pid = shipquote.pid(1)
    os.kill(pid, signal.SIGTERM)
    asking.join(timeout=15)
    assert answers == [201]
    deadline = time.monotonic() + 10
    while "zombie" not in _state(pid):
        assert time.monotonic() < deadline, "the instance was still running 10 s after SIGTERM"
        time.sleep(0.1)
    assert shipquote.http.get("/livez").status_code == 200  # the other instance serves on


def _state(pid: int) -> str:
    """The process's state line ("zombie" too once it is gone: exited is exited)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8").splitlines()
    except OSError:
        return "zombie"
    return next((line for line in status if line.startswith("State:")), "").lower()
