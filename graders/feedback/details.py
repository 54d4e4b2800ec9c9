"""The comment's detail sections: failing tests with their output, hidden checks, the load
table, findings by rule, stages that did not run and the installer's words. Each is trimmed to a
`Detail` level so that a huge report still fits in one comment.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graders.feedback.advice import (
    check_title,
    docs_url,
    endpoint_name,
    endpoint_of,
    failing_checks,
    group_by_rule,
    load_goal,
    miss_causes,
    points_lost,
    stage_reason,
    why,
)
from graders.feedback.mdsafe import Md, code_span, fenced, instructor_inline, md_inline, place, pts
from graders.feedback.tracebacks import cause, trimmed
from graders.model.load_reference import cpu_sentence, judging_sentence
from graders.model.loadstats import database_findings
from graders.model.report import Check, Finding, GradeReport, StageResult, ordered
from graders.stages import registry

__all__ = [
    "LEVELS",
    "Detail",
    "failing_checks_of",
    "failing_tests",
    "findings_by_rule",
    "hidden_checks",
    "install_output",
    "load_results",
    "stages_not_run",
    "test_quality",
]


@dataclass(frozen=True)
class Detail:
    """How much detail a rendering carries; coarser levels keep big reports under the limit."""

    tests: int  # failing tests shown with their output
    names: int  # further failing tests listed by name
    output_lines: int
    output_bytes: int
    hidden: int
    endpoints: int
    rules: int
    per_rule: int
    log_lines: int


LEVELS = (
    Detail(
        tests=8,
        names=30,
        output_lines=40,
        output_bytes=3000,
        hidden=20,
        endpoints=20,
        rules=12,
        per_rule=5,
        log_lines=30,
    ),
    Detail(
        tests=4,
        names=15,
        output_lines=15,
        output_bytes=1200,
        hidden=10,
        endpoints=10,
        rules=8,
        per_rule=3,
        log_lines=12,
    ),
    Detail(
        tests=2,
        names=5,
        output_lines=6,
        output_bytes=500,
        hidden=5,
        endpoints=5,
        rules=5,
        per_rule=1,
        log_lines=6,
    ),
    Detail(
        tests=0,
        names=0,
        output_lines=0,
        output_bytes=0,
        hidden=0,
        endpoints=0,
        rules=0,
        per_rule=0,
        log_lines=0,
    ),
)


def failing_tests(stage: StageResult, d: Detail) -> dict[str, Any] | None:
    """The failing public tests, costliest first, each story told once: tests that fail the
    same way (the same error at the same place in the learner's code) are one entry, and the
    output shows the learner's frames, not pages of installed packages."""
    failing = sorted(failing_checks(stage), key=lambda c: -points_lost(c))
    if not failing:
        return None
    # One reading per distinct output: a traceback parse costs as much as the output is long.
    causes = {message: cause(message) for message in {c.message for c in failing}}
    groups: dict[str, list[Check]] = {}
    for check in failing:
        groups.setdefault(causes[check.message] or f"\0{check.name}", []).append(check)
    ordered_groups = sorted(groups.values(), key=lambda g: -sum(points_lost(c) for c in g))
    shown = [_test_story(group, d) for group in ordered_groups[: d.tests]]
    rest = [c for group in ordered_groups[d.tests :] for c in group]
    named = [code_span(c.name, 200) for c in rest[: d.names]]
    return {
        "count": len(failing),
        "total": len(stage.checks),
        "shown": shown,
        "named": Md(", ".join(named)),
        "more": len(rest) - len(named),
    }


SAME_FAILURE_NAMES = 5  # tests named beside the first one that fail the same way


def _test_story(group: list[Check], d: Detail) -> dict[str, Any]:
    first = group[0]
    others = [code_span(c.name, 200) for c in group[1 : 1 + min(d.names, SAME_FAILURE_NAMES)]]
    return {
        "name": code_span(first.name, 200),
        "points": pts(sum(points_lost(c) for c in group)),
        "same": Md(", ".join(others)) if others else None,
        "same_more": max(0, len(group) - 1 - len(others)),
        "hint": instructor_inline(first.hint, 400) if first.hint else None,
        "output": fenced(
            trimmed(first.message) or "(the test gave no message)",
            max_lines=d.output_lines,
            max_bytes=d.output_bytes,
        ),
    }


def failing_checks_of(stage: StageResult, d: Detail) -> dict[str, Any] | None:
    """An io or command stage's failing checks, costliest first, with what each printed."""
    failing = sorted(failing_checks(stage), key=lambda c: -points_lost(c))
    if not failing:
        return None
    shown = [
        {
            "name": md_inline(c.name, 120),
            "points": pts(points_lost(c)),
            "output": fenced(
                c.message or "(no output)", max_lines=d.output_lines, max_bytes=d.output_bytes
            ),
        }
        for c in failing[: d.tests]
    ]
    named = [md_inline(c.name, 120) for c in failing[d.tests : d.tests + d.names]]
    return {
        "label": Md(registry.stage(stage.name).label),
        "count": len(failing),
        "total": len(stage.checks),
        "shown": shown,
        "named": Md(", ".join(named)),
        "more": len(failing) - len(shown) - len(named),
    }


def hidden_checks(stage: StageResult, d: Detail) -> dict[str, Any] | None:
    """The failing hidden checks by title and hint; never their code."""
    failing = sorted(failing_checks(stage), key=lambda c: -points_lost(c))
    if not failing or stage.status in ("error", "skipped") or not d.hidden:
        return None
    items = [
        {
            "title": md_inline(check_title(c), 80),
            "hint": instructor_inline(c.hint or "no hint for this one: re-read the brief", 400),
        }
        for c in failing[: d.hidden]
    ]
    return {"items": items, "more": len(failing) - len(items)}


def test_quality(stage: StageResult, d: Detail) -> dict[str, Any] | None:
    """The bugs the learner's tests missed, by description, and their tests that fail on
    correct code (name, exception type, their own line: graders.model.own_tests decided what)."""
    if stage.status in ("error", "skipped") or not stage.checks:
        return None
    bugs = [c for c in stage.checks if c.kind == "bug"]
    missed = [c for c in bugs if c.status != "passed"]
    wrong = [c for c in stage.checks if c.kind in ("wrong", "flaky")]
    if not missed and not wrong:
        return None
    return {
        "caught": len(bugs) - len(missed),
        "total": len(bugs),
        "missed": [instructor_inline(c.name, 200) for c in missed[: d.hidden]],
        "missed_more": max(0, len(missed) - d.hidden),
        "wrong": [_wrong_test(c) for c in wrong[: d.names]],
        "wrong_more": max(0, len(wrong) - d.names),
    }


def _wrong_test(check: Check) -> Md:
    line = f": {code_span(check.hint, 130)}" if check.hint else ""
    return Md(f"{code_span(check.name, 160)} {md_inline(check.message, 200)}{line}")


def protected_files_put_back(report: GradeReport, d: Detail) -> dict[str, Any] | None:
    """The protected files official grading restored because the submission had changed them."""
    if not report.integrity:
        return None
    shown = report.integrity[: d.names]
    return {
        "files": [Md(f"{code_span(t.path, 120)} ({t.change})") for t in shown],
        "more": len(report.integrity) - len(shown),
    }


def _ms(value: float) -> str:
    return f"{value:,.0f} ms" if value >= 10 else f"{value:.1f} ms"


def load_results(stage: StageResult, d: Detail) -> dict[str, Any] | None:
    """The load table per endpoint, with goals met or missed and likely causes."""
    if stage.load is None or stage.status in ("error", "skipped"):
        return None
    if not d.endpoints:
        return None
    goals: dict[str, list[str]] = {}
    for check in stage.checks:
        endpoint = endpoint_of(check, stage)
        mark = "✅" if check.status == "passed" else "❌"
        raised = [r for r in stage.load.raised if r.check == check.name]
        bars = "".join(f" ({r.measure} judged at {r.bar_ms:g} ms)" for r in raised)
        goal = f"{md_inline(load_goal(check, endpoint), 60)}{bars} {mark}"
        goals.setdefault(endpoint.endpoint if endpoint else "", []).append(goal)
    rows = [
        {
            "endpoint": code_span(e.endpoint, 60, in_table=True),
            "rps": f"{e.rps:,.0f}",
            "p50": _ms(e.p50_ms),
            "p95": _ms(e.p95_ms),
            "p99": _ms(e.p99_ms),
            "errors": Md(f"{100 * e.error_rate:.1f}%"),
            "goal": Md("<br>".join(goals.get(e.endpoint, [])) or "—"),
        }
        for e in stage.load.endpoints[: d.endpoints]
    ]
    whys = [
        Md(f"{code_span(endpoint_name(c, stage), 60)}: {instructor_inline(c.hint, 300)}")
        for c in failing_checks(stage)[: d.endpoints]
        if c.hint
    ]
    return {
        "users": stage.load.users,
        "seconds": pts(stage.load.duration_seconds),
        "rows": rows,
        "more": len(stage.load.endpoints) - len(rows),
        "unmatched": Md("; ".join(goals.get("", []))),
        "whys": whys,
        "causes": [Md(c) for c in miss_causes(stage, stage.checks)],
        "statements": _statement_lines(stage, d),
        "failures": _failure_lines(stage, d),
        "database": [md_inline(f, 400) for f in _database_findings(stage)],
        "measures": _measures(stage),
        "judging": Md(judging_sentence(stage.load)) if stage.load.judging == "reference" else None,
        "cpu": Md(cpu_sentence(stage.load) or "") or None,
        "note": md_inline(stage.message, 300) if stage.status == "failed" else None,
        "log": fenced(stage.log_excerpt, max_lines=d.log_lines, max_bytes=d.log_lines * 120)
        if stage.status == "failed" and stage.log_excerpt.strip() and d.log_lines
        else None,
    }


# One sentence per measure a load goal can use (FEEDBACK.md: the learner's terms).
LATENCY_MEASURE = (
    "p50, p95 and p99 are the times within which half, 95% and 99% of an endpoint's "
    "requests were answered while {users} simulated users sent requests together."
)
STATEMENTS_MEASURE = (
    "Statements per request are counted by the PostgreSQL server the grader runs: after the "
    "load test each endpoint is requested again, alone, one request at a time, and every SQL "
    "statement your service ran meanwhile counts (BEGIN and COMMIT do not)."
)


PAGES_MEASURE = (
    "Pages read per request are counted the same way, by PostgreSQL's own buffer counters: the "
    "8 kB pages of tables and indexes those statements read. A query that scans a whole table "
    "reads all of its pages; one that uses an index reads a few (`EXPLAIN (ANALYZE, BUFFERS)` "
    "shows them as `Buffers: shared hit=…`)."
)


def _measures(stage: StageResult) -> list[Md]:
    if stage.load is None:
        return []
    said = [Md(LATENCY_MEASURE.format(users=stage.load.users))]
    if not stage.load.statements:
        return said
    said.append(Md(STATEMENTS_MEASURE))
    if any("pages read per request" in check.name for check in stage.checks):
        said.append(Md(PAGES_MEASURE))
    return said


def _failure_lines(stage: StageResult, d: Detail) -> list[Md]:
    """The commonest kinds of failed request: the endpoint, what was wrong, how often."""
    failures = stage.load.failures if stage.load else []
    return [
        Md(f"{code_span(f.endpoint, 60)}: {md_inline(f.error, 200)} ({_times(f.occurrences)})")
        for f in failures[: d.endpoints]
    ]


def _times(count: int) -> str:
    return "once" if count == 1 else f"{count:,} times"


def _statement_lines(stage: StageResult, d: Detail) -> list[Md]:
    """For each endpoint that missed a statements goal: the count and its commonest shapes."""
    missed = {endpoint_name(c, stage) for c in stage.checks if "statements" in c.missed}
    counted = stage.load.statements if stage.load else []
    lines = []
    for figures in [f for f in counted if f.endpoint in missed][: d.endpoints]:
        shapes = ", ".join(
            f"{code_span(shape.statement, 160)} ({shape.per_request:g})" for shape in figures.shapes
        )
        ran = f": {shapes}" if shapes else ""
        lines.append(
            Md(f"{code_span(figures.endpoint, 60)}: {figures.per_request:g} per request{ran}")
        )
    return lines


def _database_findings(stage: StageResult) -> list[str]:
    database = stage.load.database if stage.load else None
    return database_findings(database) if database else []


def _finding_line(f: Finding) -> Md:
    return Md(f"{code_span(place(f.file, f.line), 120)} {md_inline(f.message, 200)}")


def findings_by_rule(stage: StageResult, d: Detail) -> dict[str, Any] | None:
    """The stage's lint or type findings grouped by rule, with docs and why it matters."""
    if not stage.findings or not d.rules:
        return None
    groups = group_by_rule(stage.findings)
    rules = []
    for rule, items in groups[: d.rules]:
        url = docs_url(items[0])
        name = url.rstrip("/").rsplit("/", 1)[-1] if url and items[0].tool == "ruff" else ""
        rules.append(
            {
                "rule": md_inline(rule, 40),
                "url": Md(url or ""),
                "name": md_inline(name, 60) if name else None,
                "count": len(items),
                "why": Md(why(items[0])),
                "where": [_finding_line(f) for f in items[: d.per_rule]],
                "more": len(items) - min(len(items), d.per_rule),
            }
        )
    kind = registry.stage(stage.name)
    noun = kind.findings.one if kind.findings else "finding"
    count = len(stage.findings)
    return {
        "label": Md(kind.label),
        "open": Md(" open" if count <= 5 else ""),
        "count": Md(f"{count:,} {noun}{'s' if count != 1 else ''}"),
        "kinds": Md(f"{len(groups)} rule{'s' if len(groups) != 1 else ''}"),
        "rules": rules,
        "more": len(groups) - len(rules),
    }


def stages_not_run(report: GradeReport, d: Detail) -> list[dict[str, Any]]:
    """Stages that did not judge the code, those with one cause (and log) grouped together."""
    groups: dict[tuple[str, str, str], list[StageResult]] = {}
    for stage in ordered(report.stages):
        if stage.status in ("error", "skipped") and stage.name != "install":
            key = (stage.status, stage_reason(stage), stage.log_excerpt.strip())
            groups.setdefault(key, []).append(stage)
    items = []
    for (status, reason, log), stages in groups.items():
        labels = [f"**{registry.stage(s.name).label}**" for s in stages]
        joined = [", ".join(labels[:-1]), labels[-1]] if len(labels) > 1 else labels
        points = sum(s.max_score for s in stages)
        word = "could not run" if status == "error" else "skipped"
        items.append(
            {
                "labels": Md(" and ".join(joined)),
                "how": Md(f"{pts(points)} points, {word}" if points else word),
                "message": md_inline(reason or "no reason given", 400),
                "log": fenced(log, max_lines=d.log_lines, max_bytes=d.log_lines * 120)
                if log and d.log_lines
                else None,
            }
        )
    return items


def install_output(report: GradeReport, d: Detail) -> Md | None:
    """The installer's own words when the install failed, clipped."""
    stage = report.stage("install")
    if stage is None or stage.status not in ("failed", "error"):
        return None
    said = "\n".join(part for part in (stage.message, stage.log_excerpt) if part.strip())
    lines = max(d.log_lines, 8)
    return fenced(said or "the installer gave no output", max_lines=lines, max_bytes=lines * 160)
