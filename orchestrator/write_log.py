"""The moments of a token's recent writes, kept in the course folder between runs.

GitHub counts content-creating writes per token over a sliding hour. A run's pacer knows only
its own writes; a command that starts within the hour of the last one (`provision` right after
`publish`, the next sitting of `provision --hours`, a cron) must count that one's too, or its
first writes meet the limit. Every command of the CLI that talks to GitHub runs inside
`writes_recorded`. Kept in `.classroom/writes.json` (git-ignored): `{writer: [epoch seconds,
...]}`, keyed by the gateway's `writer` (a digest of the token, never the token), only what is
under an hour old. A missing or unreadable file is an empty record: the worst it costs is a
refused write, which the gateway waits out (GitHub's Retry-After).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from orchestrator.gateway import GitHub
from orchestrator.pacing import HOUR

WRITES_FILE = Path(".classroom") / "writes.json"


def recall(root: Path, writer: str, now: float) -> list[float]:
    """`writer`'s writes recorded under `root` that are under an hour old at `now`."""
    try:
        found = json.loads((root / WRITES_FILE).read_text(encoding="utf-8"))
        moments = [float(m) for m in found.get(writer, [])]
    except (OSError, ValueError, TypeError, AttributeError):
        return []
    return sorted(m for m in moments if now - m < HOUR)


def keep(root: Path, writer: str, moments: Iterable[float], now: float) -> None:
    """Record `writer`'s writes that are under an hour old at `now` (others' are kept)."""
    path = root / WRITES_FILE
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
        record = found if isinstance(found, dict) else {}
    except (OSError, ValueError):
        record = {}
    record[writer] = sorted(m for m in moments if now - m < HOUR)
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_suffix(".tmp")
    scratch.write_text(json.dumps(record), encoding="utf-8")
    scratch.replace(path)


@contextmanager
def writes_recorded(root: Path, gh: GitHub) -> Iterator[GitHub]:
    """`gh`, paced counting the writes its token made in the last hour as recorded under
    `root` (an earlier command's), with this command's recorded for the next, whatever
    happens. A gateway without a pacer (CLASSROOM_PACING=off) records nothing."""
    pacer = gh.pacer
    if pacer is None:
        yield gh
        return
    pacer.remember(recall(root, gh.writer, pacer.now()))
    try:
        yield gh
    finally:
        keep(root, gh.writer, pacer.recent(), pacer.now())
