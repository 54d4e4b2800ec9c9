"""A lost runner, on request: kill one running job's processes (found by the GITHUB_RUN_ID,
GITHUB_JOB and matrix that act puts in every step's environment) and whatever they started,
and keep killing that job's new processes until the run ends, as a dead machine would."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sandbox.actions.joblog import matrix_name
from sandbox.actions.rewrite import MATRIX_ENV

PROC = Path("/proc")
LOST = (
    "The runner of this job lost communication with the server "
    "(killed through the sandbox's /_sandbox/runs/{run}/kill)."
)


@dataclass(frozen=True)
class Target:
    """Which job to kill: a job id or `name:` (plus matrix values), or a display name."""

    instance: str  # the server's SANDBOX_INSTANCE
    run_id: int
    job: str
    matrix: dict[str, Any] | None
    job_names: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Hit:
    job_id: str
    matrix: dict[str, Any]
    name: str


def _environ(pid: int) -> dict[str, str]:
    try:
        raw = (PROC / str(pid) / "environ").read_bytes()
    except OSError:
        return {}
    pairs = (item.partition(b"=") for item in raw.split(b"\0") if item)
    return {k.decode(errors="replace"): v.decode(errors="replace") for k, _, v in pairs}


def hit_of(env: dict[str, str], target: Target) -> Hit | None:
    """The job a process belongs to, when it is the target's (pure)."""
    ours = env.get("SANDBOX_INSTANCE") == target.instance
    if not ours or env.get("GITHUB_RUN_ID") != str(target.run_id) or "GITHUB_JOB" not in env:
        return None
    job_id = env["GITHUB_JOB"]
    try:
        matrix = json.loads(env.get(MATRIX_ENV) or "{}")
    except ValueError:
        matrix = {}
    raw = target.job_names.get(job_id)
    name = matrix_name(raw or job_id, matrix, None) if matrix else (raw or job_id)
    named = target.job in (job_id, raw)
    same = target.matrix is None or all(
        str(matrix.get(k)) == str(v) for k, v in target.matrix.items()
    )
    return Hit(job_id, matrix, name) if (named and same) or target.job == name else None


def _parents() -> dict[int, int]:
    found = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                stat = (entry / "stat").read_text()
                found[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    return found


def _with_descendants(roots: set[int], parents: dict[int, int]) -> set[int]:
    found = set(roots)
    grew = True
    while grew:
        more = {pid for pid, parent in parents.items() if parent in found} - found
        found |= more
        grew = bool(more)
    return found


def kill_now(target: Target) -> list[Hit]:
    """SIGKILL the target job's processes and their descendants; the jobs hit."""
    parents = _parents()
    hits: dict[int, Hit] = {}
    for pid in parents:
        if pid != os.getpid() and (hit := hit_of(_environ(pid), target)):
            hits[pid] = hit
    for pid in _with_descendants(set(hits), parents):
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    unique = {(h.job_id, json.dumps(h.matrix, sort_keys=True)): h for h in hits.values()}
    return list(unique.values())


def keep_killing(target: Target, done: threading.Event) -> None:
    """Kill the job's new processes (its later steps) until the run is over."""
    while not done.wait(0.2):
        kill_now(target)


def lost_notes(run_id: int, hits: list[Hit]) -> str:
    """JSON log records that mark each killed job failed, with GitHub's kind of message."""
    return "".join(
        json.dumps(
            {"jobID": h.job_id, "matrix": h.matrix, "lost": True, "msg": LOST.format(run=run_id)}
        )
        + "\n"
        for h in hits
    )
