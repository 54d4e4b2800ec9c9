"""Render the dashboard's pages: pure, (relative path, text) pairs from the class figures."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from orchestrator.dashboard import charts
from orchestrator.dashboard.cells import (
    counts_note,
    grade_cell,
    push_rows,
    put_back,
    tier_mark,
    tier_note,
    tier_word,
    timeline_svg,
)
from orchestrator.dashboard.milestones import MilestoneRow, milestone_rows
from orchestrator.dashboard.risk import AtRisk, RiskPolicy, reason_counts
from orchestrator.dashboard.similar import Found, report_pages
from orchestrator.dashboard.stats import (
    GAMED_GAP_POINTS,
    AssignmentSummary,
    ClassSummary,
    Progress,
)


def render_pages(
    summary: ClassSummary,
    at_risk: tuple[AtRisk, ...],
    *,
    as_of: datetime,
    pushes: int,
    policy: RiskPolicy,
    part: int = 0,
    parts: int = 1,
    similar: Mapping[str, Found] | None = None,
) -> Iterator[tuple[str, str]]:
    """The pages of the site as (relative path, text): all of them, or share `part` of `parts`.

    The learner pages are dealt out among the parts; part 0 also holds the class pages (and
    `similar`'s reports, when the instructor's own site has them).
    """
    similar = similar or {}
    env = environment()
    reasons = {row.learner.login: row.reasons for row in at_risk}
    common: dict[str, Any] = {
        "course": summary.info.course,
        "as_of": as_of,
        "pushes": pushes,
        "at_risk_count": len(at_risk),
        "nav_assignments": summary.info.assignments,
        "assignments": summary.assignments,
        "learners": summary.learners,
    }
    top = {**common, "root": ""}
    nested = {**common, "root": "../"}
    learner_page = env.get_template("learner.html.j2")
    for learner in summary.learners[part::parts]:
        yield (
            f"learners/{learner.login}.html",
            learner_page.render(
                nested, page="learner", l=learner, reasons=reasons.get(learner.login, ())
            ),
        )
    if part != 0:
        return
    yield "index.html", env.get_template("overview.html.j2").render(top, page="overview")
    yield (
        "at-risk.html",
        env.get_template("at_risk.html.j2").render(
            top, page="at-risk", rows=at_risk, policy=policy
        ),
    )
    yield (
        "learners.html",
        env.get_template("learners.html.j2").render(top, page="learners", risky=reasons.keys()),
    )
    assignment_page = env.get_template("assignment.html.j2")
    for a in summary.assignments:
        yield (
            f"assignments/{a.info.slug}.html",
            assignment_page.render(
                nested, page=f"assignment:{a.info.slug}", a=a, similar=similar.get(a.info.slug)
            ),
        )
    yield from report_pages(similar)
    yield (
        "style.css",
        resources.files(__package__).joinpath("templates/style.css").read_text(encoding="utf-8"),
    )


@cache
def environment() -> Environment:
    """The one Jinja environment: strict, autoescaped, with the dashboard's helpers."""
    env = Environment(
        loader=PackageLoader(__package__, "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    filters: dict[str, Callable[..., str]] = {
        "pct": format_percent,
        "when": format_when,
        "day": format_day,
        "days": format_days,
        "points": format_points,
    }
    env.filters.update(filters)
    env.globals.update(
        histogram=charts.histogram,
        rate_bars=charts.rate_bars,
        stage_rows=stage_rows,
        status=status,
        share=share,
        push_rows=push_rows,
        reason_counts=reason_counts,
        timeline_svg=timeline_svg,
        grade_cell=grade_cell,
        tier_mark=tier_mark,
        tier_note=tier_note,
        tier_word=tier_word,
        counts_note=counts_note,
        put_back=put_back,
        gap_points=GAMED_GAP_POINTS,
        milestone_rows=assignment_milestones,
    )
    return env


def assignment_milestones(summary: AssignmentSummary, as_of: datetime) -> list[MilestoneRow]:
    """The assignment's milestones across the class (none for one without milestones)."""
    return milestone_rows((p.history for p in summary.progresses), as_of)


def format_days(value: float | None) -> str:
    return "—" if value is None else f"{value:g} d"


def format_points(value: float) -> str:
    """72.0 -> '72'; 71.25 -> '71.25'."""
    return f"{value:g}"


def format_percent(value: float | None) -> str:
    """62.4 -> '62%'; None -> '—'."""
    return "—" if value is None else f"{value:.0f}%"


def format_when(value: datetime | None) -> str:
    """A moment, in UTC, to the minute."""
    return "—" if value is None else f"{value:%d %b %Y %H:%M} UTC"


def format_day(value: datetime | None) -> str:
    return "—" if value is None else f"{value:%d %b}"


def share(part: int, whole: int) -> str:
    return format_percent(100.0 * part / whole if whole else None)


def status(progress: Progress) -> str:
    """A word or two for where a learner stands on an assignment, by the grade that counts."""
    if progress.passing:
        return "passing"
    if progress.standing.status in ("no submission", "too late"):
        return str(progress.standing.status)
    if progress.started:
        return "failing"
    if progress.tier == "not graded":
        return "not graded"
    return "not started" if progress.provisioned else "no repo"


def stage_rows(summary: AssignmentSummary) -> list[tuple[str, float]]:
    return [(name, rate.percent) for name, rate in summary.stage_rates]
