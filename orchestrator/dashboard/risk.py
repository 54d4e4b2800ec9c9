"""Who is at risk, and why: one rule per reason, each a pure function of the figures."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from orchestrator.dashboard.stats import ClassSummary, LearnerSummary, Progress

ReasonKind = Literal["idle", "dropping", "stuck", "deadline", "missed"]


@dataclass(frozen=True)
class RiskPolicy:
    """The thresholds behind each reason."""

    idle_days: int = 7
    drop_points: float = 15.0
    stuck_pushes: int = 5
    deadline_days: int = 3
    missed_days: int = 10


@dataclass(frozen=True)
class Reason:
    """Why a learner is on the list, in words an instructor can act on."""

    kind: ReasonKind
    text: str
    assignment: str = ""


@dataclass(frozen=True)
class AtRisk:
    learner: LearnerSummary
    reasons: tuple[Reason, ...]


def find_at_risk(
    summary: ClassSummary, as_of: datetime, policy: RiskPolicy | None = None
) -> tuple[AtRisk, ...]:
    """Every learner with at least one reason, the most reasons first."""
    policy = policy or RiskPolicy()
    rows = []
    for learner in summary.learners:
        reasons = tuple(learner_reasons(learner, as_of, policy))
        if reasons:
            rows.append(AtRisk(learner, reasons))
    return tuple(sorted(rows, key=lambda r: (-len(r.reasons), r.learner.login.lower())))


def reason_counts(rows: Iterable[AtRisk]) -> list[tuple[ReasonKind, int]]:
    """How many learners have each kind of reason, the most common first."""
    counts = Counter(kind for row in rows for kind in {r.kind for r in row.reasons})
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def learner_reasons(learner: LearnerSummary, as_of: datetime, policy: RiskPolicy) -> list[Reason]:
    """All reasons that hold for `learner` at `as_of`."""
    reasons = [r for r in [_idle(learner, as_of, policy), _missed(learner, as_of, policy)] if r]
    rules: list[Callable[[Progress, datetime, RiskPolicy], Reason | None]] = [
        _dropping,
        _stuck,
        _deadline_near,
    ]
    open_work = _open(learner.progresses, as_of)
    reasons.extend(r for p in open_work for rule in rules if (r := rule(p, as_of, policy)))
    return reasons


def _open(progresses: Iterable[Progress], as_of: datetime) -> list[Progress]:
    """Assignments that have opened, are not past their deadline and are not yet passed."""
    return [
        p
        for p in progresses
        if (p.assignment.opens_at is None or p.assignment.opens_at <= as_of)
        and (p.deadline is None or p.deadline >= as_of)
        and not p.passing
    ]


def _idle(learner: LearnerSummary, as_of: datetime, policy: RiskPolicy) -> Reason | None:
    open_work = _open(learner.progresses, as_of)
    if not open_work:
        return None
    last = learner.last_push
    if last is None:
        oldest = min(
            (p.assignment.opens_at for p in open_work if p.assignment.opens_at), default=None
        )
        if oldest is None or as_of - oldest < timedelta(days=policy.idle_days):
            return None
        return Reason("idle", f"no push yet; {_plural(len(open_work), 'assignment')} open")
    idle = (as_of - last.graded_at).days
    if idle < policy.idle_days:
        return None
    return Reason(
        "idle", f"no push for {idle} days (last: {last.assignment}, {last.graded_at:%d %b})"
    )


def _missed(learner: LearnerSummary, as_of: datetime, policy: RiskPolicy) -> Reason | None:
    """Deadlines of the last `missed_days` that passed below the pass mark."""
    since = as_of - timedelta(days=policy.missed_days)
    missed = [
        p.assignment.slug
        for p in learner.progresses
        if p.deadline and since <= p.deadline < as_of and not p.passing
    ]
    if not missed:
        return None
    return Reason("missed", f"below the pass mark at the deadline of {', '.join(missed)}")


def _dropping(progress: Progress, as_of: datetime, policy: RiskPolicy) -> Reason | None:  # noqa: ARG001 -- one signature for all rules
    """The practice grades slide: the learner's own pushes, as they work."""
    pushes = progress.practice
    if len(pushes) < 3:
        return None
    latest, best = pushes[-1], max(sub.percent for sub in pushes)
    if best - latest.percent < policy.drop_points:
        return None
    return Reason(
        "dropping",
        f"score dropping on {progress.assignment.slug}: best "
        f"{best:.0f}%, now {latest.percent:.0f}%",
        progress.assignment.slug,
    )


def _stuck(progress: Progress, as_of: datetime, policy: RiskPolicy) -> Reason | None:  # noqa: ARG001 -- one signature for all rules
    streak, stage, check = failing_streak(progress)
    if streak < policy.stuck_pushes:
        return None
    return Reason(
        "stuck",
        f"stuck on {stage}: {check} in {progress.assignment.slug} for the last {streak} pushes",
        progress.assignment.slug,
    )


def failing_streak(progress: Progress) -> tuple[int, str, str]:
    """The check failed by the most consecutive latest pushes: (pushes, stage, check)."""
    pushes = progress.practice
    if not pushes:
        return (0, "", "")
    best = (0, "", "")
    for stage, check in pushes[-1].failed_checks:
        streak = 0
        for sub in reversed(pushes):
            if (stage, check) not in sub.failed_checks:
                break
            streak += 1
        best = max(best, (streak, stage, check), key=lambda b: b[0])
    return best


def _deadline_near(progress: Progress, as_of: datetime, policy: RiskPolicy) -> Reason | None:
    deadline = progress.deadline
    if (
        deadline is None
        or progress.passing
        or not (as_of <= deadline <= as_of + timedelta(days=policy.deadline_days))
    ):
        return None
    left = _left(deadline - as_of)
    slug = progress.assignment.slug
    if progress.percent is None:
        return Reason("deadline", f"{slug} due in {left}, not started", slug)
    return Reason(
        "deadline",
        f"{slug} due in {left}, at {progress.percent:.0f}% "
        f"(pass mark {progress.assignment.pass_percent:.0f}%)",
        slug,
    )


def _left(delta: timedelta) -> str:
    hours = int(delta.total_seconds() // 3600)
    return _plural(hours // 24, "day") if hours >= 48 else _plural(hours, "hour")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
