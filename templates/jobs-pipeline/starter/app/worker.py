"""The worker: `python -m app.worker` will take jobs from the queue and post them to Ledgerly.

Production runs two of these beside the API (README: JOB-1). Today it only waits for SIGTERM.
"""

from __future__ import annotations

import signal
import threading
from types import FrameType

from app.config import Settings


def main() -> None:
    Settings.from_env()  # refuse to start without Ledgerly's address
    stop = threading.Event()

    def stop_now(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, stop_now)
    print("worker: no queue to take jobs from yet (JOB-1)", flush=True)
    stop.wait()


if __name__ == "__main__":
    main()
