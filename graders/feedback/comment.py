"""Feedback for learners: the PR comment (markdown) and a terminal summary, as pure functions.

Everything a learner controls reaches the page through the escapers of
graders.feedback.mdsafe; a plain `str` that reaches a template is escaped by the environment's
`finalize`, so forgetting a filter is safe, not a hole.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import jinja2

from graders.feedback.advice import (
    ScoreDelta,
    failing_checks,
    next_step,
    next_step_plain,
    score_delta,
    stage_reason,
)
from graders.feedback.details import (
    LEVELS,
    Detail,
    findings_by_rule,
    install_output,
    protected_files_put_back,
    stages_not_run,
)
from graders.feedback.mdsafe import (
    MINUS,
    Md,
    clip,
    code_span,
    fenced,
    md_inline,
    one_line,
    plain,
    pts,
)
from graders.model.report import GradeReport, StageResult, ordered
from graders.stages import registry

__all__ = [
    "COMMENT_LIMIT",
    "FEEDBACK_COMMENT_MARKER",
    "Md",
    "ScoreDelta",
    "clip",
    "code_span",
    "fenced",
    "md_inline",
    "next_step",
    "plain",
    "render_feedback",
    "render_summary_text",
    "score_delta",
]

FEEDBACK_COMMENT_MARKER = "<!-- classroom:feedback -->"
COMMENT_LIMIT = 60_000  # GitHub refuses comments over 65,536 characters; keep a margin


def _duration(seconds: float) -> str:
    if seconds < 10:
        return f"{seconds:.1f} s"
    if seconds < 120:
        return f"{seconds:.0f} s"
    return f"{seconds // 60:.0f} min {seconds % 60:.0f} s"


# --- the overview: heading, what moved, the stage table, what to do ------------------------------


def _row(stage: StageResult, *, why_below: bool = False) -> dict[str, Any]:
    """One line of the stage table; `summary` is raw text, escaped where it is placed."""
    label = Md(registry.stage(stage.name).label)
    if stage.status in ("error", "skipped"):
        word = "could not run" if stage.status == "error" else "skipped"
        said = f"{word}: {stage_reason(stage)}" if stage_reason(stage) else word
        return {
            "label": label,
            "score": Md(f"— / {pts(stage.max_score)}"),
            "icon": Md("⛔" if stage.status == "error" else "⏭️"),
            "summary": f"{word} (see below)" if why_below else one_line(said, 100),
        }
    failing, summary = _summary(stage)
    if stage.name == "install" and stage.status == "failed" and why_below:
        summary = "does not install (see below)"
    full = stage.score >= stage.max_score
    zero = stage.score <= 0 < stage.max_score or (stage.status == "failed" and not stage.max_score)
    icon = "✅" if full and not failing and stage.status == "passed" else "❌" if zero else "⚠️"
    score = f"{pts(stage.score)} / {pts(stage.max_score)}" if stage.max_score else "—"
    return {
        "label": label,
        "score": Md(score),
        "icon": Md(icon),
        "summary": one_line(summary, 100),
    }


def _summary(stage: StageResult) -> tuple[int, str]:
    kind = registry.stage(stage.name)
    own = kind.summary(stage) if kind.summary is not None else None
    if own is not None:
        return own
    failing, total = len(failing_checks(stage)), len(stage.checks)
    if total:
        return failing, _tally(kind, failing, total)
    if stage.findings:
        noun = kind.findings.short if kind.findings else "finding"
        count = len(stage.findings)
        return count, f"{count:,} {noun}{'s' if count != 1 else ''}"
    if kind.findings is not None and stage.status == "passed":
        return 0, "clean"
    return (0 if stage.status == "passed" else 1), stage.message or stage.status


def bugs_caught(stage: StageResult) -> tuple[int, str] | None:
    """The test-quality line: "caught 3 of 5 bugs", from the stage's own message."""
    if not stage.checks:
        return None
    return len(failing_checks(stage)), stage.message.removeprefix("your tests ")


def _tally(kind: registry.Stage, failing: int, total: int) -> str:
    if kind.goals:
        if total == 1:
            return "goal missed" if failing else "goal met"
        if failing:
            return f"{failing} of {total} goals missed"
        return "both goals met" if total == 2 else f"all {total} goals met"
    if failing:
        return f"{failing} of {total} fail"
    return {1: "passes", 2: "both pass"}.get(total, f"all {total} pass")


def _heading(report: GradeReport, delta: ScoreDelta | None) -> Md:
    parts = [
        md_inline(report.assignment_title or report.assignment, 80),
        Md(f"{pts(report.score)} / {pts(report.max_score)}"),
    ]
    if delta is not None:
        sign = "+" if delta.points > 0 else MINUS if delta.points < 0 else "±"
        since = f" since {code_span(delta.since, 12)}" if delta.since else " since last time"
        parts.append(Md(f"{sign}{pts(abs(delta.points))}{since}"))
    elif report.max_score and report.score >= report.max_score:
        parts.append(Md("full marks"))
    return Md(" · ".join(parts))


def _moved(delta: ScoreDelta | None) -> Md | None:
    """What changed since the previous commit, in a sentence or two."""
    if delta is None or not (delta.now_passing or delta.now_failing):
        return None
    parts = []
    if delta.now_passing:
        lead = "Progress: " if delta.points > 0 else ""
        verb = "passes" if len(delta.now_passing) == 1 else "pass"
        parts.append(f"{lead}{_names(delta.now_passing)} now {verb}.")
    if delta.now_failing:
        one = len(delta.now_failing) == 1
        parts.append(
            f"{_names(delta.now_failing)} now {'fails' if one else 'fail'}; "
            f"{'it' if one else 'they'} passed on the previous commit, so start with what your "
            "last change touched."
        )
    return Md(" ".join(parts))


def _names(items: tuple[str, ...]) -> str:
    names = [f"**{md_inline(n, 60)}**" for n in items[:3]]
    if len(items) > 3:
        names.append(f"{len(items) - 3} more")
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _todo(report: GradeReport, brief_url: str | None) -> list[Md]:
    todo: dict[Md, None] = {}  # io and commands share a line: each line once, in stage order
    for stage in ordered(report.stages):
        kind = registry.stage(stage.name)
        todo.update(dict.fromkeys(kind.todo(stage) if kind.todo is not None else []))
    if brief_url and re.fullmatch(r"https://[^\s()<>\"'\\]{1,300}", brief_url):
        todo[Md(f"Re-read [the assignment brief]({brief_url}) for the parts above.")] = None
    return list(todo)


def tests_todo(stage: StageResult) -> list[Md]:
    """Failing public tests: run them locally."""
    if not failing_checks(stage):
        return []
    return [Md("Run the public tests locally: `pytest -x -q` stops at the first failure.")]


def checks_todo(stage: StageResult) -> list[Md]:
    """Failing output or command checks: run their commands."""
    if not failing_checks(stage):
        return []
    return [Md("Run each failing check's command from your repository's root.")]


def lint_todo(stage: StageResult) -> list[Md]:
    """Lint findings: ruff fixes many of them."""
    if not stage.findings:
        return []
    return [
        Md(
            "`ruff check --fix .` fixes many lint findings for you; run "
            "`ruff check .` before you push."
        )
    ]


def types_todo(stage: StageResult) -> list[Md]:
    """Type errors: mypy shows them locally."""
    if not stage.findings:
        return []
    return [Md("`mypy .` shows the same type errors locally, with their line numbers.")]


def load_todo(stage: StageResult) -> list[Md]:
    """Missed load goals: count the statements, reproduce the load test."""
    todo = []
    if any("statements" in check.missed for check in failing_checks(stage)):
        todo.append(
            Md(
                "Count your statements locally: have PostgreSQL log them "
                "(`ALTER DATABASE app SET log_statement = 'all'`, or `echo=True` on a "
                "SQLAlchemy engine), request the endpoint once and count the lines."
            )
        )
    if stage.load and failing_checks(stage):
        users, seconds = stage.load.users, max(1, round(stage.load.duration_seconds))
        todo.append(
            Md(
                f"Reproduce the load test: start your service, then run `locust -f locustfile.py "
                f"--headless -u {users} -t {seconds}s --host http://127.0.0.1:PORT` and "
                "watch the service log while it runs."
            )
        )
    return todo


def _tier(report: GradeReport) -> str:
    if report.tier == "official":
        return "official grade"
    extra = [s for s in report.stages if registry.stage(s.name).official_extra]
    if any(stage.status == "skipped" for stage in extra):
        return "practice feedback (official grades use additional hidden checks)"
    return "practice feedback"


def _footer(report: GradeReport) -> Md:
    commit = report.submission.commit
    parts = [
        f"Graded commit {code_span(commit[:12], 14)}" if commit else "Graded a local folder",
        f"grader {md_inline(report.grader_version, 30)}",
        _duration(report.duration_seconds),
        _tier(report),
    ]
    return Md(f"<sub>{' · '.join(parts)}</sub>")


def _table_stages(report: GradeReport) -> list[StageResult]:
    return [
        s
        for s in ordered(report.stages)
        if not (s.name == "install" and s.status == "passed" and not s.max_score)
    ]


def _view(
    report: GradeReport, previous: GradeReport | None, brief_url: str | None, level: int
) -> dict[str, Any]:
    d = LEVELS[level]
    delta = score_delta(report, previous)
    return {
        "marker": Md(FEEDBACK_COMMENT_MARKER),
        "heading": _heading(report, delta),
        "moved": _moved(delta),
        "milestones": milestone_line(report),
        "next": next_step(report),
        "rows": [_row(s, why_below=True) for s in _table_stages(report)],
        "put_back": protected_files_put_back(report, d),
        "not_run": stages_not_run(report, d),
        "install": install_output(report, d),
        "sections": _sections(report, d),
        "findings": [f for s in ordered(report.stages) if (f := findings_by_rule(s, d))],
        "todo": _todo(report, brief_url),
        "trimmed": level > 0,
        "footer": _footer(report),
    }


def _sections(report: GradeReport, d: Detail) -> list[dict[str, Any]]:
    """The stages' own detail sections, in stage order, each with the template that shows it."""
    found = []
    for stage in ordered(report.stages):
        section = registry.stage(stage.name).section
        data = section.build(stage, d) if section is not None else None
        if section is not None and data is not None:
            found.append({"template": section.template, "data": data})
    return found


def milestone_line(report: GradeReport) -> list[dict[str, object]]:
    """The milestones at the top of the comment: done, the current one, the ones after it."""
    current = next((m.id for m in report.milestones if m.status != "done"), None)
    line: list[dict[str, object]] = []
    for number, milestone in enumerate(report.milestones, start=1):
        if milestone.status == "done":
            icon, note = "✅", ""
        elif milestone.status == "waiting":
            icon, note = "◻", "its checks run in the official grade"
        else:
            icon, note = "◻", f"{milestone.passing} of {milestone.total} checks pass"
        if milestone.id == current:
            icon = "▶"
        line.append({"icon": Md(icon), "number": number, "title": milestone.title, "note": note})
    return line


# --- rendering ----------------------------------------------------------------------------------


@jinja2.pass_context
def _finalize(context: jinja2.runtime.Context, value: object) -> object:
    """Every `{{ }}` output passes here: plain strings are escaped, so nothing slips through."""
    if isinstance(value, Md) or not isinstance(value, str):
        return value
    return plain(value) if (context.name or "").endswith(".txt.j2") else md_inline(value)


@cache
def _env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("graders.feedback", "templates"),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,  # markdown, not HTML: escaping is _finalize's job
        finalize=_finalize,
    )


def render_feedback(
    report: GradeReport,
    *,
    previous: GradeReport | None = None,
    assignment_brief_url: str | None = None,
    deadline: str | None = None,
) -> str:
    """The PR comment / feedback.md for `report`, always under GitHub's comment size limit;
    `deadline` is a line about the learner's deadline, shown under the heading."""
    template = _env().get_template("feedback.md.j2")
    for level in range(len(LEVELS)):
        view = _view(report, previous, assignment_brief_url, level)
        view["deadline"] = md_inline(deadline, 300) if deadline else None
        text = template.render(view)
        if len(text) <= COMMENT_LIMIT:
            return text
    return text[:COMMENT_LIMIT]  # unreachable by construction: the last level is bounded


def render_summary_text(report: GradeReport) -> str:
    """A short plain-text summary for the terminal."""
    delta = score_delta(report)
    sign = "+" if delta and delta.points >= 0 else MINUS
    since = f" since {plain(delta.since)}" if delta and delta.since else ""
    step = next_step_plain(report)
    rows = [
        {
            "label": Md(registry.stage(s.name).label.ljust(15)),
            "icon": row["icon"],
            "score": Md(row["score"].ljust(9)),
            "summary": plain(row["summary"]),
        }
        for s in _table_stages(report)
        for row in [_row(s)]
    ]
    return (
        _env()
        .get_template("summary.txt.j2")
        .render(
            title=plain(report.assignment_title or report.assignment, 80),
            score=Md(f"{pts(report.score)} / {pts(report.max_score)}"),
            delta=Md(f"{sign}{pts(abs(delta.points))}{since}") if delta else None,
            rows=rows,
            next=Md(step) if step else None,
        )
    )
