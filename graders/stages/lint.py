"""Stage `lint`: ruff with the assignment's configuration (the learner's own is ignored)."""

from __future__ import annotations

import json

from graders import tools
from graders.report import Finding, StageResult
from graders.stages.context import StageContext
from graders.stages.static import (
    now,
    relative,
    run_analyser,
    score_findings,
    tool_broke,
)


def run(ctx: StageContext) -> StageResult:
    started = now()
    spec = ctx.assignment.spec.stages.lint
    assert spec is not None
    config = ctx.assignment.root / spec.config
    argv = [
        tools.executable("ruff"),
        "check",
        "--no-cache",
        "--output-format",
        "json",
        "--config",
        str(config),
        "--exit-zero",
        *spec.paths,
    ]
    outcome = run_analyser(ctx, "lint", argv)
    if not outcome.ok:
        return tool_broke("lint", outcome, spec.points, started, "ruff")
    try:
        findings = parse_ruff(outcome.output, ctx)
    except ValueError as exc:
        outcome.stderr = f"unreadable ruff output: {exc}"
        return tool_broke("lint", outcome, spec.points, started, "ruff")
    return score_findings("lint", findings, spec.points, spec.per_finding, started, "ruff")


def parse_ruff(text: str, ctx: StageContext) -> list[Finding]:
    """ruff's JSON array → findings, sorted so the report never depends on ruff's order."""
    items = json.loads(text or "[]")
    findings = [
        Finding(
            tool="ruff",
            file=relative(item["filename"], ctx),
            line=item["location"]["row"],
            column=item["location"]["column"],
            end_line=(item.get("end_location") or {}).get("row"),
            rule=item.get("code") or "syntax-error",
            message=item["message"],
            url=item.get("url") or "",
        )
        for item in items
    ]
    return sorted(findings, key=lambda f: (f.file, f.line, f.column, f.rule))
