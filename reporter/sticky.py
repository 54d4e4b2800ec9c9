"""The sticky feedback comment, as pure functions: its stamp, whose it is, which one to keep.

The official grade on an assignment issue is sticky the same way, with its own marker
(`orchestrator.official.comment`).

A feedback comment starts with the feedback marker, then a stamp line saying which commit it
grades and when that grading started:

    <!-- classroom:feedback -->
    <!-- classroom:graded {"sha": "0c1d…", "at": "2026-11-22T01:02:03+00:00"} -->

Only comments written by the reporter's own identity count: a learner who pastes the marker
into a comment of their own gets it neither edited nor believed. The stamp is read only from
the second line, so text further down (a test's output quoted in the comment) cannot forge it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from graders.feedback.comment import FEEDBACK_COMMENT_MARKER
from reporter.records import CommentInfo

STAMP_PREFIX = "<!-- classroom:graded "
STAMP_SUFFIX = " -->"


@dataclass(frozen=True)
class Stamp:
    """Which commit a comment grades, and when that grading started."""

    sha: str
    at: datetime


def stamped(feedback: str, stamp: Stamp, *, marker: str = FEEDBACK_COMMENT_MARKER) -> str:
    """`feedback` (which starts with `marker`) with the stamp line right after the marker."""
    rest = feedback.removeprefix(marker).lstrip("\n")
    data = json.dumps({"sha": stamp.sha, "at": stamp.at.isoformat()})
    return f"{marker}\n{STAMP_PREFIX}{data}{STAMP_SUFFIX}\n{rest}"


def read_stamp(body: str, *, marker: str = FEEDBACK_COMMENT_MARKER) -> Stamp | None:
    """The stamp of a comment that starts with `marker` (None when the second line is not one)."""
    lines = body.split("\n", 2)
    if len(lines) < 2 or lines[0] != marker:
        return None
    line = lines[1]
    if not (line.startswith(STAMP_PREFIX) and line.endswith(STAMP_SUFFIX)):
        return None
    try:
        data = json.loads(line[len(STAMP_PREFIX) : -len(STAMP_SUFFIX)])
        return Stamp(sha=str(data["sha"]), at=datetime.fromisoformat(str(data["at"])))
    except (ValueError, KeyError, TypeError):
        return None


def ours(
    comments: Sequence[CommentInfo], me: str, *, marker: str = FEEDBACK_COMMENT_MARKER
) -> list[CommentInfo]:
    """Comments written by `me` that start with `marker`, oldest first (the one to keep)."""
    mine = [c for c in comments if c.author.lower() == me.lower() and c.body.startswith(marker)]
    return sorted(mine, key=lambda c: (c.created_at, c.id))


def is_stale(mine: Stamp, shown: Stamp | None, head: str | None) -> bool:
    """Would writing `mine` replace a newer result (`shown`) with an older one?

    `head` is the pull request's head commit now: a comment about it is never replaced by one
    about another commit; otherwise the later grading wins."""
    if shown is None or shown.sha == mine.sha:
        return False
    if head is not None and head in (mine.sha, shown.sha):
        return shown.sha == head
    return shown.at > mine.at
