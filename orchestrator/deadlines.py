"""Deadline arithmetic, pure: late days, the penalty of a late grade, and how moments read.

The rules, as the instructor guide states them:
- A deadline is one moment (course.toml keeps it with its UTC offset). A push at or before
  the learner's deadline is on time; an extension replaces the deadline for that learner, and
  late days count from the deadline that learner has.
- A late day is 24 real hours, counted from the deadline: late day 1 is (deadline, deadline +
  24 h], late day n ends at deadline + n * 24 h. A push 3 hours late is 1 day late; 24 h
  exactly is still 1; 24 h and one second is 2. Daylight-saving changes do not stretch or
  shrink a late day, so after a change its end falls an hour off the deadline's wall-clock
  time in the course's zone.
- The penalty is `penalty_per_day` percent of the full marks per penalised late day, taken
  from the score and never below 0. Late days paid from the learner's budget (see
  `late_ledger`) cost nothing. Late work past `max_late_days` is refused, not penalised.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from orchestrator.course import LatePolicy
from reporter.moments import (
    DAY,
    days_late,
    utc,
)

Lateness = Literal["on time", "late", "refused"]


def late_day_end(deadline: datetime, day: int) -> datetime:
    """When late day `day` ends (day 0: the deadline itself), in UTC."""
    return utc(deadline) + day * DAY


def late_day_ends(deadline: datetime, days: int) -> list[datetime]:
    """The ends of late days 1 to `days`, in UTC."""
    return [late_day_end(deadline, day) for day in range(1, days + 1)]


@dataclass(frozen=True)
class LateResult:
    """One grade with the late policy applied: what it was, how late, what it cost."""

    score_before: float
    max_score: float
    days_late: int
    budget_days: int  # late days paid from the learner's budget: free
    penalised_days: int
    penalty: float  # points taken
    score: float  # after the penalty, never below 0
    status: Lateness  # "refused": later than the policy (and budget) accept; no score counts

    @property
    def late(self) -> bool:
        return self.days_late > 0


def penalise(
    score: float,
    max_score: float,
    late: int,
    policy: LatePolicy | None,
    *,
    budget_days: int = 0,
) -> LateResult:
    """`score` out of `max_score`, `late` days late, with `budget_days` of them paid from the
    budget: the points taken and the score left (never below 0), or refused.

    Without a policy, late work is accepted only as far as budget days pay for it; with one,
    up to its `max_late_days`, budget days included.
    """
    free = min(budget_days, late)
    window = policy.days if policy is not None else free
    if late > window:
        return LateResult(score, max_score, late, 0, 0, 0.0, 0.0, "refused")
    charged = late - free
    rate = policy.penalty if policy is not None else 0.0
    penalty = round(max_score * rate / 100 * charged, 2)
    after = max(0.0, round(score - penalty, 2))
    return LateResult(
        score, max_score, late, free, charged, penalty, after, "late" if late else "on time"
    )


def late_result(
    score: float,
    max_score: float,
    *,
    pushed_at: datetime,
    deadline: datetime,
    policy: LatePolicy | None,
    budget_left: int = 0,
) -> LateResult:
    """The grade of a commit pushed at `pushed_at` against the learner's `deadline`, spending
    at most `budget_left` budget days, and no more of them than save points."""
    late = days_late(pushed_at, deadline)
    return cheapest(score, max_score, late, policy, budget_left)


def cheapest(
    score: float, max_score: float, late: int, policy: LatePolicy | None, budget_left: int
) -> LateResult:
    """The best result `late` days late allows, with the fewest budget days that reach it."""
    options = [
        penalise(score, max_score, late, policy, budget_days=k)
        for k in range(min(late, max(budget_left, 0)) + 1)
    ]
    accepted = [o for o in options if o.status != "refused"]
    if not accepted:
        return options[-1]
    best = max(o.score for o in accepted)
    return next(o for o in accepted if o.score == best)


# --- how moments read ------------------------------------------------------------------------
# (format_moment, describe_due, describe_push and the rest: reporter.moments, which the
# practice comment's deadline line needs without the orchestrator)


def format_utc(moment: datetime) -> str:
    """`2026-12-13 04:59 UTC` (with seconds when it has some): compact, for tables."""
    at = utc(moment)
    return at.strftime("%Y-%m-%d %H:%M:%S UTC" if at.second else "%Y-%m-%d %H:%M UTC")
