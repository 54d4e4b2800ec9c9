"""Crash logs: a bug's traceback goes to a file, the user gets one line pointing at it."""

from __future__ import annotations

import os
import tempfile
import traceback
from datetime import UTC, datetime
from pathlib import Path


def write_crash_log(exc: BaseException) -> Path:
    """Write `exc`'s traceback to a fresh file and return its path."""
    folder = Path(os.environ.get("CLASSROOM_LOG_DIR", tempfile.gettempdir()))
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    fd, name = tempfile.mkstemp(prefix=f"classroom-crash-{stamp}-", suffix=".log", dir=folder)
    with os.fdopen(fd, "w", encoding="utf-8") as log:
        log.write("".join(traceback.format_exception(exc)))
    return Path(name)
