"""Table cells and chart marks built in Python: the hot spots of a big build.

A class of 1,000 learners x 10 assignments has about 45,000 graded pushes, each a table row
and a timeline point. Built with f-strings, escaping every value, they take a third of the
time Jinja needs for them; the pages around them stay templates.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from markupsafe import Markup, escape

from orchestrator.dashboard.charts import Point, Timeline, timeline
from orchestrator.dashboard.stats import Progress, late_days
from orchestrator.grades_store import GradedSubmission, PutBack
from orchestrator.standing import TierWord

# An en dash reads as "did not run" next to the tick and the cross.
STATUS_MARKS = {"passed": "✓", "failed": "✗", "error": "!", "skipped": "–"}  # noqa: RUF001
# Tiers are told by shape and word, never by colour alone (the legend on each page says so).
TIER_MARKS: dict[TierWord, str] = {"official": "◆", "practice": "◇", "not graded": "⊘"}


def tier_mark(tier: TierWord | None) -> Markup:
    """A tier's mark for a crowded cell; screen readers hear the word."""
    if tier is None:
        return Markup("")
    return Markup(
        f'<span class="tier {tier.replace(" ", "-")}" title="{tier}">'
        f'<span aria-hidden="true">{TIER_MARKS[tier]}</span><span class="sr"> {tier}</span></span>'
    )


def tier_word(tier: TierWord | None) -> Markup:
    """A tier's mark and word, for a Tier column."""
    if tier is None:
        return Markup("—")
    return Markup(
        f'<span class="tier {tier.replace(" ", "-")}">'
        f'<span aria-hidden="true">{TIER_MARKS[tier]}</span> {tier}</span>'
    )


def grade_cell(progress: Progress) -> Markup:
    """A learner's grade with its tier's mark; ⊘ too when an official grade was not given."""
    percent, shown = progress.percent, progress.standing
    text = f"{percent:.0f}%{tier_mark(shown.points_tier)}" if percent is not None else "—"
    if progress.tier == "not graded":
        text += str(tier_mark("not graded"))
    return Markup(text)


def counts_note(progress: Progress) -> Markup:
    """The official result that counts, in words: which commit, how late, what it cost."""
    shown = progress.standing
    a = progress.assignment
    rule = f"counts: {a.counts}"
    if shown.status == "no submission":
        missing = shown.no_submission
        when = f" by {missing.checked_at:%d %b %Y %H:%M} UTC" if missing else ""
        return Markup(f"Official: no submission{when}: 0 ({rule}).")
    if shown.status == "too late":
        return Markup(
            f"Official: every graded commit came after the late work accepted: 0 ({rule})."
        )
    grade, late = shown.grade, shown.late
    if grade is None:
        return Markup("")
    commit = f"<code>{escape(grade.commit[:7])}</code>"
    if late is None or not late.late:
        return Markup(f"Official: {commit} on time, {grade.score:g} ({rule}).")
    days = "1 late day" if late.days_late == 1 else f"{late.days_late} late days"
    paid = f", {late.budget_days} paid from the budget" if late.budget_days else ""
    return Markup(
        f"Official: {commit} {days}{paid}: {late.score_before:g} before the late penalty, "
        f"{late.penalty:g} taken, {late.score:g} counts ({rule})."
    )


def tier_note(progress: Progress) -> Markup:
    """The tier in words, and why an official grade was not given when one was not."""
    failed = progress.standing.not_graded
    if failed is None:
        return tier_word(progress.tier)
    if progress.tier == "not graded":
        shown = " (the grade shown is practice)" if progress.grade else ""
        return Markup(f"{tier_word(progress.tier)}: {escape(failed.not_graded)}{shown}")
    return Markup(f"{tier_word(progress.tier)} (a later official attempt was not graded)")


_TIER_CELLS = {tier: f"<td>{tier_word(tier)}</td>" for tier in ("official", "practice")}


def push_rows(progress: Progress) -> Markup:
    """The rows of a learner's table of grades, newest first."""
    return Markup(
        "\n".join(_push_row(sub, progress.is_late(sub)) for sub in reversed(progress.history))
    )


def _push_row(sub: GradedSubmission, late: bool) -> str:
    days = late_days(sub)
    word = f"late {days} d" if days else "late"
    flag = f' <span class="late">{word}</span>' if late else ""
    put_back = f"; put back: {_put_back(sub.integrity)}" if sub.integrity else ""
    return (
        f'<tr><td class="nowrap">{sub.graded_at:%d %b %H:%M}{flag}</td>'
        f"{_TIER_CELLS[sub.tier]}"
        f"<td><code>{escape(sub.commit[:7])}</code></td>"
        f'<td class="num nowrap">{sub.score:.1f} / {sub.max_score:.1f}</td>'
        f"<td>{_stage_marks(tuple((s.name, s.status) for s in sub.stages))}</td>"
        f"<td>{_failed_list(sub.failed_checks)}{put_back}</td></tr>"
    )


def put_back(files: tuple[PutBack, ...]) -> Markup:
    """The protected files an official grade put back, each with what the submission did."""
    return Markup(_put_back(files)) if files else Markup("none")


def _put_back(files: tuple[PutBack, ...]) -> str:
    return ", ".join(f"<code>{escape(f.path)}</code> ({f.change})" for f in files)


@lru_cache(maxsize=4096)
def _stage_marks(stages: tuple[tuple[str, str], ...]) -> str:
    return "".join(
        f'<span class="stage {status}">{escape(name)} {STATUS_MARKS[status]}</span>'
        for name, status in stages
    )


@lru_cache(maxsize=65536)
def _failed_list(failed: tuple[tuple[str, str], ...]) -> str:
    return ", ".join(_code(stage, check) for stage, check in failed) if failed else "none"


@lru_cache(maxsize=4096)
def _code(stage: str, check: str) -> str:
    return f"<code>{escape(stage)}: {escape(check)}</code>"


def timeline_svg(progress: Progress, chart_id: str) -> Markup:
    """A learner's score per push on one assignment, with deadline and pass mark drawn in."""
    a = progress.assignment
    t = timeline(progress.history, opens_at=a.opens_at, deadline=progress.deadline,
                 pass_percent=a.pass_percent)  # fmt: skip
    title = escape(f"Score per push, {a.slug}")
    desc = escape(_summary(progress))
    return Markup(
        f'<svg class="chart timeline" role="img" aria-labelledby="{chart_id}-t {chart_id}-d" '
        f'viewBox="0 0 {t.width} {t.height}" width="{t.width}" height="{t.height}">\n'
        f'<title id="{chart_id}-t">{title}</title>\n<desc id="{chart_id}-d">{desc}</desc>\n'
        f'<line class="axis" x1="{t.left}" y1="{t.bottom}" x2="{t.right}" y2="{t.bottom}"/>\n'
        f'<line class="axis" x1="{t.left}" y1="{t.top}" x2="{t.left}" y2="{t.bottom}"/>\n'
        f'<line class="pass" x1="{t.left}" y1="{t.pass_y}" x2="{t.right}" y2="{t.pass_y}"/>\n'
        f"{_y_ticks(t)}{_deadline(t)}"
        f'<polyline class="line" points="{t.path}"/>\n{_points(t.points)}\n'
        f'<text class="tick" x="{t.left}" y="{t.height - 4}">{t.start_label}</text>'
        f'<text class="tick" x="{t.right}" y="{t.height - 4}" text-anchor="end">'
        f"{t.end_label}</text>\n</svg>"
    )


def _summary(progress: Progress) -> str:
    """What the chart shows, in one sentence (the table below it has every grade)."""
    first, latest = progress.history[0], progress.history[-1]
    late = f", {progress.late_pushes} after the deadline" if progress.late_pushes else ""
    official = len(progress.history) - len(progress.practice)
    tiers = f" ({official} official)" if official else ""
    return (
        f"{_plural(len(progress.history), 'grade')}{tiers} from {first.graded_at:%d %b} to "
        f"{latest.graded_at:%d %b}{late}; first {first.percent:.0f}%, "
        f"best {progress.best_percent:.0f}%, latest {latest.percent:.0f}%"
    )


def _y_ticks(t: Timeline) -> str:
    x = t.left - 4
    return (
        f'<text class="tick" x="{x}" y="{t.top + 4}" text-anchor="end">100</text>'
        f'<text class="tick" x="{x}" y="{t.bottom}" text-anchor="end">0</text>'
        f'<text class="tick" x="{x}" y="{t.pass_y + 4}" text-anchor="end">pass</text>\n'
    )


def _deadline(t: Timeline) -> str:
    if t.deadline_x is None:
        return ""
    return (
        f'<line class="deadline" x1="{t.deadline_x}" y1="{t.top}" x2="{t.deadline_x}" '
        f'y2="{t.bottom}"/><text class="tick" x="{t.deadline_x}" y="{t.top + 8}" '
        'text-anchor="end">deadline </text>\n'
    )


def _points(points: Iterable[Point]) -> str:
    """Circles on time, squares when late, diamonds for official grades (not colour alone),
    each with its own title."""
    return "\n".join(_point(p) for p in points)


def _point(p: Point) -> str:
    if p.official:
        return (
            f'<path class="point official" d="M{p.x:.1f} {p.y - 6:.1f}l6 6-6 6-6-6z">'
            f"<title>{escape(p.label)}</title></path>"
        )
    if p.late:
        return (
            f'<rect class="point late" x="{p.x - 4:.1f}" y="{p.y - 4:.1f}" width="8" height="8">'
            f"<title>{escape(p.label)}</title></rect>"
        )
    label = escape(p.label)
    return f'<circle class="point" cx="{p.x}" cy="{p.y}" r="4"><title>{label}</title></circle>'


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
