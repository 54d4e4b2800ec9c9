"""A learner's deadline where they read it, and where their practice feedback finds it.

Provisioning writes a block at the end of the assignment issue (and of each milestone issue):
the learner's own deadline in the course's time zone (their extension when they have one),
until when late work is accepted, the late policy, and the same facts in a hidden marker:

    <!-- classroom:deadline {"deadline": "2026-12-12T23:59:00-05:00", ...} -->

The practice report job runs in the learner's repository, with the grading repository checked
out and no access to the course repository (course.toml, extensions), so it reads its
deadline from that marker: only in an issue opened by an admin of the repository (the
instructor's provisioning) or by the job's own identity (a milestone issue it opened, which
copies the block), never in one a learner opened. `classroom provision` re-run after an
extension edits the block of every issue that shows an old one.

What a learner could forge, and what it changes: anyone with write access may edit an issue's
text, so a learner can change the marker in their own repository. That changes only the
deadline line of their own practice comments. Official grades, lateness and penalties are
computed from course.toml and the server's record of pushes in the course repository, which
nothing in a learner's repository reaches.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Protocol

from pydantic import AwareDatetime, BaseModel, ConfigDict, ValidationError

from reporter.moments import Zone, describe_due, describe_push, format_moment, utc
from reporter.records import IssueInfo


class IssueReader(Protocol):
    """What reading the notice needs of a gateway (the reporter's or the orchestrator's)."""

    def identity(self) -> str: ...
    def issues(self, full_name: str, label: str | None = None) -> list[IssueInfo]: ...
    def permission(self, full_name: str, login: str) -> str: ...


DEADLINE_NOTICE_MARKER = "classroom:deadline"
START = "<!-- classroom:deadline-start -->"
END = "<!-- classroom:deadline-end -->"
_FACTS = re.compile(r"<!-- classroom:deadline (\{.*?\}) -->")


class Notice(BaseModel):
    """A learner's deadline on one assignment, as their issues carry it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    deadline: AwareDatetime
    timezone: Zone = "UTC"  # the course's, for wall-clock times
    late_until: AwareDatetime | None = None  # the end of the last late day accepted
    extended: bool = False
    policy: str = ""  # the late policy in words


def notice_block(notice: Notice) -> str:
    """The issue's deadline section: words for the learner, the facts in a hidden marker."""
    own = " (your extension)" if notice.extended else ""
    lines = [
        START,
        f"<!-- {DEADLINE_NOTICE_MARKER} {notice.model_dump_json()} -->",
        f"**Deadline: {format_moment(notice.deadline, notice.timezone)}**{own}.",
    ]
    if notice.late_until is not None:
        until = format_moment(notice.late_until, notice.timezone)
        lines.append(f"Late work: {notice.policy}, until {until}.")
    else:
        lines.append("Late work is not accepted.")
    lines += [
        "What counts is what your default branch holds at that moment, by GitHub's record of "
        "pushes (never a commit's date).",
        END,
    ]
    return "\n".join(lines)


def with_notice(body: str, notice: Notice) -> str:
    """`body` with its deadline section replaced by `notice`'s (appended when it has none)."""
    block = notice_block(notice)
    start, end = body.find(START), body.find(END)
    if start >= 0 and end > start:
        return body[:start] + block + body[end + len(END) :]
    return body.rstrip("\n") + "\n\n" + block + "\n"


def read_notice(body: str) -> Notice | None:
    """The deadline an issue body's marker carries (None: none, or not a valid one)."""
    found = _FACTS.search(body or "")
    if found is None:
        return None
    try:
        return Notice.model_validate(json.loads(found.group(1)))
    except (ValueError, ValidationError):
        return None


def practice_line(notice: Notice, graded_at: datetime) -> str:
    """The deadline line of a practice comment graded at `graded_at` (the practice run starts
    seconds to minutes after the push): due in so long, or how late and whether the late
    policy still accepts the work."""
    zone = notice.timezone
    if utc(graded_at) <= utc(notice.deadline):
        return "⏰ " + _sentence(describe_due(notice.deadline, graded_at, zone)) + "."
    when = format_moment(notice.deadline, zone)
    pushed = describe_push(graded_at, notice.deadline).split(":", 1)[0]
    if notice.late_until is not None and utc(graded_at) <= utc(notice.late_until):
        until = format_moment(notice.late_until, zone)
        return (
            f"⏰ {_sentence(pushed)} (due {when}): late policy applies ({notice.policy}; "
            f"late work accepted until {until})."
        )
    return (
        f"⏰ {_sentence(pushed)} (due {when}): late work is no longer accepted; your official "
        "grade judges what your default branch held in time."
    )


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def find_notice(gh: IssueReader, repo: str) -> Notice | None:
    """The deadline the repository's issues carry: the oldest issue with a marker opened by
    this token's identity or by an admin of the repository (None: none)."""
    me = gh.identity().lower()
    for issue in sorted(gh.issues(repo), key=lambda i: i.number):
        notice = read_notice(issue.body) if not issue.is_pull else None
        if notice is None:
            continue
        author = issue.author.lower()
        if author == me or gh.permission(repo, issue.author) == "admin":
            return notice
    return None
