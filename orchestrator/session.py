"""The gateway an instructor's command works through: connected with the course's pacing,
and paced counting the token's writes of the last hour, which every command records in the
course folder (`write_log`), so that `provision` right after `publish`, or the next sitting,
never meets GitHub's secondary limit; a long wait for a limit is said, never sat through in
silence."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

from orchestrator.course import CourseDir
from orchestrator.gateway import GitHub, connect
from orchestrator.pacing import wait_notice
from orchestrator.write_log import writes_recorded


@contextmanager
def connected(course: CourseDir, token: str | None = None) -> Iterator[GitHub]:
    """`course`'s gateway with `token` (default: the instructor's, `find_token()`)."""
    pacing = course.course.pacing
    gh = connect(
        course.api_url,
        per_minute=pacing.writes_per_minute,
        per_hour=pacing.writes_per_hour,
        token=token,
        announce=say_wait,
    )
    with writes_recorded(course.root, gh):
        yield gh


def say_wait(seconds: float, why: str) -> None:
    """A long wait for GitHub's limits, said on stderr before it starts (never a silent hang)."""
    print(wait_notice(seconds, why, time.time()), file=sys.stderr, flush=True)
