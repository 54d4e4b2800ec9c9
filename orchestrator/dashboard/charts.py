"""Chart geometry for the SVG charts: pure numbers here, the markup is in `_charts.html.j2`."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from orchestrator.grades_store import GradedSubmission


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: str


@dataclass(frozen=True)
class Histogram:
    """Learners per score band."""

    width: int
    height: int
    baseline: float
    bars: tuple[Bar, ...]
    total: int
    good_from: int  # bars from this index up are at or above the pass mark


def histogram(
    bins: Sequence[int], pass_percent: float = 100.0, width: int = 300, height: int = 120
) -> Histogram:
    """Vertical bars, one per band, scaled to the fullest band."""
    top, base, gap = 14.0, height - 18.0, 2.0
    step = width / len(bins)
    peak = max(bins, default=0) or 1
    size = 100 // len(bins)
    bars = []
    for i, count in enumerate(bins):
        h = (base - top) * count / peak
        upper = 100 if i == len(bins) - 1 else size * (i + 1) - 1
        bars.append(
            Bar(
                x=round(i * step + gap / 2, 1),
                y=round(base - h, 1),
                width=round(step - gap, 1),
                height=round(h, 1),
                label=f"{size * i}-{upper}%",
                value=str(count),
            )
        )
    return Histogram(
        width=width,
        height=height,
        baseline=base,
        bars=tuple(bars),
        total=sum(bins),
        good_from=math.ceil(pass_percent / size),
    )


@dataclass(frozen=True)
class RateBars:
    """Horizontal bars, one per row, for shares of the class (0 to 100%)."""

    width: int
    height: int
    label_width: int
    bars: tuple[Bar, ...]


def rate_bars(rows: Sequence[tuple[str, float]], width: int = 360) -> RateBars:
    """One bar per (label, percent) row."""
    label_width, row, pad = 110, 20, 2
    scale = (width - label_width - 44) / 100
    bars = tuple(
        Bar(
            x=label_width,
            y=i * row + pad,
            width=round(max(pct * scale, 0.5), 1),
            height=row - 2 * pad - 2,
            label=label,
            value=f"{pct:.0f}%",
        )
        for i, (label, pct) in enumerate(rows)
    )
    return RateBars(
        width=width, height=max(len(rows) * row, row), label_width=label_width, bars=bars
    )


class Point(NamedTuple):
    """One grade on a timeline (a tuple: 45,000 of them in a big build)."""

    x: float
    y: float
    label: str
    late: bool  # a practice grade after the deadline
    official: bool = False


@dataclass(frozen=True)
class Timeline:
    """Score of each graded push over time, with the deadline and pass mark drawn in."""

    width: int
    height: int
    left: float
    right: float
    top: float
    bottom: float
    points: tuple[Point, ...]
    path: str
    deadline_x: float | None
    pass_y: float
    start_label: str
    end_label: str


def timeline(
    history: Sequence[GradedSubmission],
    *,
    opens_at: datetime | None,
    deadline: datetime | None,
    pass_percent: float,
    width: int = 520,
    height: int = 130,
) -> Timeline:
    """Place each grade by its grading time (x) and score (y)."""
    left, right, top, bottom = 34.0, width - 10.0, 8.0, height - 20.0
    start, end = _span(history, opens_at, deadline)
    seconds = (end - start).total_seconds() or 1.0

    def x_of(when: datetime) -> float:
        return round(left + (right - left) * (when - start).total_seconds() / seconds, 1)

    def y_of(percent: float) -> float:
        return round(bottom - (bottom - top) * percent / 100, 1)

    points = tuple(
        Point(
            x_of(s.graded_at),
            y_of(s.percent),
            f"{s.graded_at:%d %b %H:%M} · {s.commit[:7]} · {s.percent:.0f}% · {s.tier}"
            + (" · late" if _late(s, deadline) else ""),
            late=_late(s, deadline),
            official=s.tier == "official",
        )
        for s in history
    )
    return Timeline(
        width=width,
        height=height,
        left=left,
        right=right,
        top=top,
        bottom=bottom,
        points=points,
        path=" ".join(f"{p.x},{p.y}" for p in points),
        deadline_x=x_of(deadline) if deadline else None,
        pass_y=y_of(pass_percent),
        start_label=f"{start:%d %b}",
        end_label=f"{end:%d %b}",
    )


def _late(sub: GradedSubmission, deadline: datetime | None) -> bool:
    """A practice grade after the deadline; official grades come after it by design."""
    return sub.tier == "practice" and deadline is not None and sub.graded_at > deadline


def _span(
    history: Sequence[GradedSubmission], opens_at: datetime | None, deadline: datetime | None
) -> tuple[datetime, datetime]:
    moments = [s.graded_at for s in history] + [d for d in (opens_at, deadline) if d]
    start, end = min(moments), max(moments)
    if end - start < timedelta(days=1):
        end = start + timedelta(days=1)
    return start, end
