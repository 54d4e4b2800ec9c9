"""Render the dashboard's pages (pure: path -> text) and write them as a static site."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from graders.errors import UserError
from orchestrator.dashboard import charts
from orchestrator.dashboard.cells import point_marks, push_rows
from orchestrator.dashboard.classinfo import ClassInfo
from orchestrator.dashboard.risk import AtRisk, RiskPolicy, find_at_risk
from orchestrator.dashboard.stats import AssignmentSummary, ClassSummary, Progress, summarise
from orchestrator.grades_store import GradesStore, collector_paused

MARKER = ".classroom-dashboard"


@dataclass(frozen=True)
class BuiltSite:
    """What a build wrote."""

    out: Path
    pages: int
    bytes: int
    at_risk: int

    @property
    def index(self) -> Path:
        return self.out / "index.html"


def build_site(
    info: ClassInfo,
    store: GradesStore,
    out: Path,
    *,
    as_of: datetime,
    policy: RiskPolicy | None = None,
) -> BuiltSite:
    """Compute the figures, render every page and write the site to `out`."""
    with collector_paused():
        summary = summarise(info, store)
        at_risk = find_at_risk(summary, as_of, policy)
        pages = render_pages(
            summary, at_risk, as_of=as_of, pushes=len(store), policy=policy or RiskPolicy()
        )
        size, count = write_site(pages, out)
    return BuiltSite(out=out, pages=count, bytes=size, at_risk=len(at_risk))


def render_pages(
    summary: ClassSummary,
    at_risk: tuple[AtRisk, ...],
    *,
    as_of: datetime,
    pushes: int,
    policy: RiskPolicy,
) -> Iterator[tuple[str, str]]:
    """Every page of the site as (relative path, text)."""
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
    nested = {**common, "root": "../"}
    assignment_page = env.get_template("assignment.html.j2")
    for a in summary.assignments:
        yield (
            f"assignments/{a.info.slug}.html",
            assignment_page.render(nested, page=f"assignment:{a.info.slug}", a=a),
        )
    learner_page = env.get_template("learner.html.j2")
    for learner in summary.learners:
        yield (
            f"learners/{learner.login}.html",
            learner_page.render(
                nested, page="learner", l=learner, reasons=reasons.get(learner.login, ())
            ),
        )
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
    }
    env.filters.update(filters)
    env.globals.update(
        histogram=charts.histogram,
        rate_bars=charts.rate_bars,
        timeline=charts.timeline,
        stage_rows=stage_rows,
        status=status,
        share=share,
        push_rows=push_rows,
        point_marks=point_marks,
    )
    return env


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
    """One word for where a learner stands on an assignment."""
    if progress.passing:
        return "passing"
    if progress.started:
        return "failing"
    return "not started" if progress.provisioned else "no repo"


def stage_rows(summary: AssignmentSummary) -> list[tuple[str, float]]:
    return [(name, rate.percent) for name, rate in summary.stage_rates]


def write_site(pages: Iterable[tuple[str, str]], out: Path) -> tuple[int, int]:
    """Replace the site at `out` with `pages`; returns (bytes, pages) written."""
    stale = _previous_files(out)
    size = count = 0
    for relative, text in pages:
        path = out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8")
        path.write_bytes(data)
        stale.discard(path)
        size, count = size + len(data), count + 1
    for path in stale:
        path.unlink()
    (out / MARKER).write_text(
        "built by `classroom dashboard`; rebuilt each time\n", encoding="utf-8"
    )
    (out / ".nojekyll").write_text("", encoding="utf-8")  # GitHub Pages: serve files as they are
    return size, count


def _previous_files(out: Path) -> set[Path]:
    """The files of the previous build; never a folder that this command did not write."""
    if not out.exists():
        return set()
    if not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).exists()):
        raise UserError(
            f"{out}: exists and was not built by `classroom dashboard`; "
            "pass an empty or new folder with --out"
        )
    return {path for path in out.rglob("*") if path.is_file()} - {out / MARKER, out / ".nojekyll"}
