"""A run's jobs while act still runs them: act's JSON log as it comes, kept to the records that
say which jobs and steps exist and how they ended (what the jobs API lists while a run is in
progress, as GitHub lists a job in progress). A step's own output is left out: it is the bulk
of a log, the learner's code writes it, and GitHub serves no job's log before it ends."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path

LIVE_CAP = 4 * 1024 * 1024  # bytes of job records kept; past it, only how each job ended
RESULTS_CAP = 64 * 1024  # bytes of those endings past LIVE_CAP (one short record a job)


def live_log_path(logs: Path, run_id: int) -> Path:
    return logs / f"{run_id}.live.jsonl"


class LiveLog:
    """Appends act's job records to `path` line by line, each masked by `mask` (act's JSON
    shows secrets unmasked in step names), only ever whole lines."""

    def __init__(self, path: Path, mask: Callable[[str], str]) -> None:
        self.path = path
        self.mask = mask
        self.pending = b""
        self.written = 0
        self.lock = threading.Lock()

    def __call__(self, chunk: bytes) -> None:
        with self.lock:
            *lines, self.pending = (self.pending + chunk).split(b"\n")
            if len(self.pending) > LIVE_CAP:  # one endless line: not a record
                self.pending = b""
            kept = "".join(self._kept(line.decode(errors="replace")) for line in lines)
            if kept:  # one write a chunk: act's output comes in many small records
                with self.path.open("a", encoding="utf-8") as handle:
                    handle.write(kept)

    def _kept(self, line: str) -> str:
        """`line` masked, if it is a job record there is room for (else nothing); a job's end
        is kept past the cap, as the reporter waits for it."""
        record = job_record(line)
        if record is None:
            return ""
        text = f"{self.mask(line)}\n"
        room = LIVE_CAP + (RESULTS_CAP if record.get("jobResult") else 0)
        if self.written + len(text) > room:
            return ""
        self.written += len(text)
        return text


def job_record(line: str) -> dict[str, object] | None:
    """A record of act's about a job or step (None: a step's output, act's own chatter)."""
    try:
        record = json.loads(line)
    except ValueError:
        return None
    if isinstance(record, dict) and record.get("job") and not record.get("raw_output"):
        return record
    return None
