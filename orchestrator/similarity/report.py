"""The HTML report of a run: the closest pairs, and each flagged pair's code side by side.

Rendered from a template (autoescaped: learner code is text in it, never markup) with the
dashboard's stylesheet, so it reads like the dashboard's pages and opens from file://.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from jinja2 import Environment, PackageLoader, StrictUndefined

from orchestrator.dashboard.site import format_percent, format_when
from orchestrator.similarity.compare import Comparison, FileView, Scored, views
from orchestrator.similarity.model import Pair, Side, SimilarityRun

STYLESHEET = "style.css"


@dataclass(frozen=True)
class Column:
    """One side of a flagged pair: the submission and its files with the matches marked."""

    side: Side
    files: tuple[FileView, ...]


@dataclass(frozen=True)
class Match:
    pair: Pair
    left: Column
    right: Column


def matches(comparison: Comparison) -> list[Match]:
    """The side-by-side views of every flagged pair."""
    return [_match(s) for s in comparison.scored if s.pair.flagged]


def _match(scored: Scored) -> Match:
    left_spans, right_spans = scored.slices
    return Match(
        scored.pair,
        Column(scored.pair.left, views(scored.left, left_spans)),
        Column(scored.pair.right, views(scored.right, right_spans)),
    )


def render_report(
    run: SimilarityRun,
    shown: Sequence[Match],
    notes: Sequence[tuple[str, str]] = (),
    *,
    css: str = STYLESHEET,
) -> str:
    """The report page; `css` is where the stylesheet is, relative to the page."""
    page = _environment().get_template("report.html.j2")
    return page.render(run=run, matches=shown, notes=notes, css=css)


def stylesheet() -> str:
    """The dashboard's stylesheet, which the report uses."""
    folder = resources.files("orchestrator.dashboard").joinpath("templates")
    return folder.joinpath(STYLESHEET).read_text(encoding="utf-8")


def describe(side: Side) -> str:
    """'learner-03 at 1a2b3c4d5e6f', or '2025-spring/ada (earlier submission)'."""
    if side.kind == "archive":
        return f"{side.label} (earlier submission)"
    return f"{side.label} at {side.commit[:12]}" if side.commit else side.label


@cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("orchestrator.similarity", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(pct=format_percent, when=format_when)
    env.globals.update(side=describe)
    return env
