"""Where the class is on an issue-based assignment: learners per milestone, and time spent.

Pure: from each learner's graded history (any tier, oldest first). A learner is at the first
milestone their latest grade has not done. A milestone is reached at the first grade in which
every milestone before it is done, and finished at the first grade in which it is done; the
days between are the time spent on it (until the dashboard's moment, for those still there).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from orchestrator.grades_store import GradedSubmission

DAY = 86_400.0


@dataclass(frozen=True)
class MilestoneRow:
    """One milestone of an assignment, across the class."""

    number: int
    title: str
    here: int  # learners whose latest grade has this as their current milestone
    done: int  # learners whose latest grade has it done
    median_days_to_finish: float | None  # reached -> finished, among those who finished it
    median_days_so_far: float | None  # reached -> now, among those still at it


def milestone_rows(
    histories: Iterable[Sequence[GradedSubmission]], as_of: datetime
) -> list[MilestoneRow]:
    """A row per milestone (in the assignment's order), or none for an assignment without."""
    histories = [h for h in histories if h and h[-1].milestones]
    if not histories:
        return []
    order = [(m.id, m.title) for m in histories[0][-1].milestones]
    rows = []
    for number, (mid, title) in enumerate(order, start=1):
        here = done = 0
        finished: list[float] = []
        waiting: list[float] = []
        for history in histories:
            reached, ended = _span(history, number - 1, mid)
            latest = {m.id: m.done for m in history[-1].milestones}
            current = next((m.id for m in history[-1].milestones if not m.done), None)
            done += bool(latest.get(mid))
            here += current == mid
            if reached is not None and ended is not None:
                finished.append((ended - reached).total_seconds() / DAY)
            elif reached is not None and current == mid:
                waiting.append((as_of - reached).total_seconds() / DAY)
        rows.append(MilestoneRow(number, title, here, done, _median(finished), _median(waiting)))
    return rows


def _span(
    history: Sequence[GradedSubmission], index: int, mid: str
) -> tuple[datetime | None, datetime | None]:
    """When the milestone at `index` was reached, and when it was first done."""
    reached = ended = None
    for grade in history:
        states = grade.milestones
        if len(states) <= index:
            continue
        if reached is None and all(m.done for m in states[:index]):
            reached = grade.graded_at
        if reached is not None and ended is None and states[index].id == mid and states[index].done:
            ended = grade.graded_at
    return reached, ended


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None
