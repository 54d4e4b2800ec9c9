"""When the official workflow must grade: every deadline, every extended deadline and the end
of every late day that may still be accepted, in UTC; and the cron lines that wake it. Pure.

GitHub's `schedule` is minute-precise UTC cron, and GitHub may start a scheduled run late
(minutes, more at the top of the hour under load) or drop it. So a cron line only wakes the
plan job: the job grades the head of each repository *at the scheduled moment* from the record
of pushes (`cutoff.cutoff`), never "the head now", and may catch up on every moment that has
passed (`due`), as its grades store tells it what is already graded. Cron lines are rounded up
to the minute, never down: firing early would grade before the deadline.

A cron line has no year. It fires again a year later; `moments_for_cron` maps a firing back to
the course's moments, and a firing that maps to none is a no-op (regenerate the schedule when
the course changes, and drop passed moments).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from orchestrator.course import Course
from orchestrator.deadlines import late_day_end

MomentKind = Literal["deadline", "extended deadline", "late day end"]
MINUTE = timedelta(minutes=1)


@dataclass(frozen=True)
class GradingMoment:
    """A moment the official workflow grades at, and whose deadline it belongs to."""

    at: datetime  # UTC
    assignment: str
    kind: MomentKind
    late_day: int = 0  # which late day ends here (0: the deadline itself)
    learners: tuple[str, ...] = ()  # extended: whose; () = everyone without an extension

    @property
    def extended(self) -> bool:
        return bool(self.learners)

    def describe(self) -> str:
        """`deadline`, `end of late day 2`, `extended deadline of ada`…"""
        names = ", ".join(self.learners)
        if self.late_day == 0:
            return f"extended deadline of {names}" if names else "deadline"
        day = f"end of late day {self.late_day}"
        return f"{day} after the extension of {names}" if names else day


def late_window(course: Course, slug: str) -> int:
    """The most late days any learner may use on `slug`: its policy's `max_late_days`, else
    the course's budget (a group assignment without a policy: none)."""
    policy = course.late_policy(slug)
    if policy is not None:
        return policy.days
    return 0 if course.assignment(slug).group else course.late_days


def learner_moments(course: Course, slug: str, login: str) -> list[GradingMoment]:
    """`login`'s moments on `slug`: their deadline and the end of each late day after it."""
    spec = course.assignment(slug)
    own = spec.extension_of(login)
    deadline = own or spec.deadline
    if deadline is None:
        return []
    return _moments(slug, deadline, late_window(course, slug), (login,) if own else ())


def schedule(course: Course, slugs: Iterable[str] | None = None) -> list[GradingMoment]:
    """Every moment of the course (or of `slugs`) in time order, one per (moment, assignment,
    deadline): learners sharing an extended moment are listed together."""
    found: dict[tuple[datetime, str, int, bool], list[str]] = {}
    for slug in slugs if slugs is not None else course.assignments:
        spec = course.assignment(slug)
        if spec.deadline is None:
            continue
        window = late_window(course, slug)
        moments = _moments(slug, spec.deadline, window, ())
        for who, extended in spec.extensions.items():
            moments += _moments(slug, extended, window, (who,))
        for m in moments:
            found.setdefault((m.at, slug, m.late_day, m.extended), []).extend(m.learners)
    merged = [
        _moment(at, slug, day, sorted(set(who), key=str.lower))
        for (at, slug, day, _), who in found.items()
    ]
    return sorted(merged, key=lambda m: (m.at, m.assignment, m.late_day, m.learners))


def _moments(
    slug: str, deadline: datetime, window: int, who: tuple[str, ...]
) -> list[GradingMoment]:
    return [_moment(late_day_end(deadline, day), slug, day, list(who)) for day in range(window + 1)]


def _moment(at: datetime, slug: str, day: int, who: Sequence[str]) -> GradingMoment:
    kind: MomentKind = "late day end" if day else ("extended deadline" if who else "deadline")
    return GradingMoment(at.astimezone(UTC), slug, kind, day, tuple(who))


def applies_to(moment: GradingMoment, course: Course, logins: Iterable[str]) -> list[str]:
    """Which of `logins` the moment grades: the learners it names, or, for the assignment's own
    deadline, everyone without an extension."""
    if moment.learners:
        named = {x.lower() for x in moment.learners}
        return [x for x in logins if x.lower() in named]
    spec = course.assignment(moment.assignment)
    return [x for x in logins if spec.extension_of(x) is None]


def due(moments: Iterable[GradingMoment], now: datetime) -> list[GradingMoment]:
    """The moments that have passed at `now` (a plan job catching up on dropped runs)."""
    return [m for m in moments if m.at <= now]


# --- cron ------------------------------------------------------------------------------------


def cron_minute(moment: datetime, delay: timedelta = timedelta(0)) -> datetime:
    """The UTC minute a cron line fires for `moment`: rounded up, never before it."""
    at = (moment + delay).astimezone(UTC)
    floor = at.replace(second=0, microsecond=0)
    return floor if floor == at else floor + MINUTE


def cron_line(moment: datetime, delay: timedelta = timedelta(0)) -> str:
    """GitHub's `cron` for one moment: `M H D Mon *` in UTC (it fires once a year)."""
    at = cron_minute(moment, delay)
    return f"{at.minute} {at.hour} {at.day} {at.month} *"


def cron_lines(moments: Iterable[datetime], delay: timedelta = timedelta(0)) -> list[str]:
    """One cron line per distinct minute of `moments`, in time order (`delay` puts every run
    that much after its moment, e.g. off the top of the hour, when GitHub is busiest)."""
    minutes = sorted({cron_minute(m, delay) for m in moments})
    return [cron_line(m) for m in minutes]


def moments_for_cron(
    moments: Iterable[GradingMoment], cron: str, delay: timedelta = timedelta(0)
) -> list[GradingMoment]:
    """The moments a run fired by `cron` (`github.event.schedule`) grades."""
    wanted = " ".join(cron.split())
    return [m for m in moments if cron_line(m.at, delay) == wanted]
