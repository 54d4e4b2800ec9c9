"""The moments of a token's recent writes, kept in the course folder between runs.

GitHub counts content-creating writes per token over a sliding hour. A run's pacer knows only
its own writes; a run that starts within the hour of the last one (the next sitting of
`provision --hours`, a cron) must count that one's too, or its first writes meet the limit.
Kept in `.classroom/writes.json` (git-ignored): `{login: [epoch seconds, ...]}`, only what
is under an hour old. A missing or unreadable file is an empty record: the worst it costs is
a refused write, which the gateway waits out (GitHub's Retry-After).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from orchestrator.pacing import HOUR

WRITES_FILE = Path(".classroom") / "writes.json"


def recall(root: Path, login: str, now: float) -> list[float]:
    """`login`'s writes recorded under `root` that are under an hour old at `now`."""
    try:
        found = json.loads((root / WRITES_FILE).read_text(encoding="utf-8"))
        moments = [float(m) for m in found.get(login, [])]
    except (OSError, ValueError, TypeError, AttributeError):
        return []
    return sorted(m for m in moments if now - m < HOUR)


def keep(root: Path, login: str, moments: Iterable[float], now: float) -> None:
    """Record `login`'s writes that are under an hour old at `now` (others' are kept)."""
    path = root / WRITES_FILE
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
        record = found if isinstance(found, dict) else {}
    except (OSError, ValueError):
        record = {}
    record[login] = sorted(m for m in moments if now - m < HOUR)
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_suffix(".tmp")
    scratch.write_text(json.dumps(record), encoding="utf-8")
    scratch.replace(path)
