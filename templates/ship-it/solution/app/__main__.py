"""`python -m app`: check the settings, then serve until SIGTERM, finishing what is in flight.

A wrong setting ends the process here, with one JSON line naming it and exit code 2, before
anything listens. On SIGTERM uvicorn stops accepting connections, lets the requests in
flight finish (up to SHUTDOWN_GRACE_SECONDS) and exits 0: a deploy drops no request.
"""

from __future__ import annotations

import logging
import signal
import sys

import uvicorn

from app import logs
from app.config import ConfigError, Settings
from app.main import create_app

SHUTDOWN_GRACE_SECONDS = 10


def main() -> int:
    try:
        settings = Settings.from_env()
    except ConfigError as exc:
        logs.configure("INFO")
        logging.getLogger("shipquote").error("refusing to start: %s", exc)
        return 2
    logs.configure(settings.log_level)
    # uvicorn handles SIGTERM itself (stop accepting, finish what is in flight), then hands the
    # signal back to the handler that was there before it: this one, so the exit is a clean 0
    # rather than "killed by SIGTERM".
    signal.signal(signal.SIGTERM, lambda _signum, _frame: None)
    uvicorn.run(
        create_app(settings),
        host="127.0.0.1",
        port=settings.port,
        log_config=None,  # our JSON lines, not uvicorn's text
        access_log=False,
        timeout_graceful_shutdown=SHUTDOWN_GRACE_SECONDS,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
