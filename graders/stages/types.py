"""Stage `types`: mypy with the assignment's configuration, against the submission's env."""

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

MYPY_DOCS = "https://mypy.readthedocs.io/en/stable/error_code_list.html"


def run(ctx: StageContext) -> StageResult:
    started = now()
    spec = ctx.assignment.spec.stages.types
    assert spec is not None
    argv = [
        tools.executable("mypy"),
        "--config-file",
        str(ctx.assignment.root / spec.config),
        "-O",
        "json",
        "--no-error-summary",
        "--cache-dir",
        str(ctx.work / "mypy-cache"),
        "--hide-error-context",
        *spec.paths,
    ]
    if ctx.env is not None:
        argv[1:1] = ["--python-executable", str(ctx.env.python)]
    outcome = run_analyser(ctx, "types", argv)
    findings = parse_mypy(outcome.output, ctx) if not outcome.timed_out else []
    # mypy exits 2 on a blocking error (a syntax error); with findings that is a result.
    if (
        outcome.timed_out
        or outcome.returncode not in (0, 1, 2)
        or (outcome.returncode == 2 and not findings)
    ):
        return tool_broke("types", outcome, spec.points, started, "mypy")
    return score_findings("types", findings, spec.points, spec.per_error, started, "mypy")


def parse_mypy(text: str, ctx: StageContext) -> list[Finding]:
    """mypy's JSON lines → findings (notes kept as `note`, they do not cost points)."""
    findings = []
    for line in text.splitlines():
        if not line.strip().startswith("{"):
            continue
        item = json.loads(line)
        code = item.get("code") or "misc"
        findings.append(
            Finding(
                tool="mypy",
                file=relative(item["file"], ctx),
                line=max(1, item["line"]),
                column=max(1, item.get("column", 0) + 1),
                end_line=item.get("end_line"),
                rule=code,
                message=item["message"] + (f" ({item['hint']})" if item.get("hint") else ""),
                url=f"{MYPY_DOCS}#code-{code}" if item.get("code") else "",
                severity=item.get("severity", "error"),
            )
        )
    return sorted(findings, key=lambda f: (f.file, f.line, f.column, f.rule))
