"""A learner's deadline, worked out from the course for the notice their issues carry.

The notice itself (its block, its marker, how the practice comment reads it) is
`reporter.deadline_notice`: the report job reads it without the course."""

from __future__ import annotations

from collections.abc import Sequence

from orchestrator.course import Course
from orchestrator.deadlines import late_day_end
from orchestrator.schedule import late_window
from reporter.deadline_notice import Notice
from reporter.moments import utc


def notice_for(course: Course, slug: str, members: Sequence[str]) -> Notice | None:
    """The deadline of the seat `members` share on `slug` (their latest), or None."""
    spec = course.assignment(slug)
    dated = [(utc(d), x) for x in members if (d := spec.deadline_of(x)) is not None]
    if not dated:
        return None
    owner = max(dated)[1]
    deadline = spec.deadline_of(owner)
    assert deadline is not None
    window = late_window(course, slug)
    return Notice(
        deadline=deadline,
        timezone=course.timezone,
        late_until=late_day_end(deadline, window) if window else None,
        extended=spec.extension_of(owner) is not None,
        policy=_policy_words(course, slug),
    )


def _policy_words(course: Course, slug: str) -> str:
    policy = course.late_policy(slug)
    budget = course.late_days if not course.assignment(slug).group else 0
    words = []
    if policy is not None and policy.days:
        cost = f"{policy.penalty:g}% of full marks per late day" if policy.penalty else "no penalty"
        words.append(f"late work accepted for {_days(policy.days)} ({cost})")
    if budget:
        words.append(f"{_days(budget)} of free late days for the whole course")
    return "; ".join(words) or "late work is not accepted"


def _days(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"
