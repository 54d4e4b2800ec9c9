"""Stage `lint`: ruff with the assignment's configuration (the learner's own is ignored).

ruff reads the grader's copy (graders.stages.static): file-wide `# ruff: noqa` comments are
blanked and each costs a finding, a file that does not parse costs what the assignment says,
and `.gitignore` or `.ignore` files of the learner's cannot hide a file from it.
"""

from __future__ import annotations

import json
from pathlib import Path

from graders.model.report import Finding, StageResult
from graders.running import tools
from graders.stages.context import StageContext
from graders.stages.static import (
    analysed_copy,
    now,
    relative,
    run_analyser,
    score_analysis,
    tool_broke,
)


def run(ctx: StageContext) -> StageResult:
    started = now()
    spec = ctx.assignment.spec.stages.lint
    assert spec is not None
    copy = analysed_copy(ctx, "lint", "ruff", spec.paths)
    argv = [
        tools.executable("ruff"),
        "check",
        "--no-cache",
        "--no-respect-gitignore",
        "--output-format",
        "json",
        "--config",
        str(ctx.assignment.root / spec.config),
        "--exit-zero",
        *spec.paths,
    ]
    outcome = run_analyser(ctx, "lint", argv, copy.root)
    if not outcome.ok:
        return tool_broke("lint", outcome, spec.points, started, "ruff")
    try:
        reported = parse_ruff(outcome.output, copy.root)
    except ValueError as exc:
        outcome.stderr = f"unreadable ruff output: {exc}"
        return tool_broke("lint", outcome, spec.points, started, "ruff")
    # A file that does not parse is one finding of its own, not ruff's own syntax errors too.
    reported = [
        f for f in reported if not (f.file in copy.unparsable_files and f.rule == "syntax-error")
    ]
    return score_analysis(
        "lint",
        reported,
        copy,
        spec.points,
        spec.per_finding,
        spec.per_unparsable_file,
        started,
        "ruff",
    )


def parse_ruff(text: str, root: Path) -> list[Finding]:
    """ruff's JSON array → findings, sorted so the report never depends on ruff's order."""
    items = json.loads(text or "[]")
    findings = [
        Finding(
            tool="ruff",
            file=relative(item["filename"], root),
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
