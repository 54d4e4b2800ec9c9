"""What lint and types share: run a trusted analyser over the submission, score its findings."""

from __future__ import annotations

import time
from collections.abc import Sequence

from graders.assignment import StageName
from graders.process import CommandResult, clean_env, run_cmd
from graders.report import Finding, StageResult
from graders.stages.context import StageContext, result


def run_analyser(ctx: StageContext, stage: StageName, argv: Sequence[str]) -> CommandResult:
    """Run a trusted analyser (it reads the learner's files, never executes them)."""
    return run_cmd(
        argv,
        cwd=ctx.submission,
        env=clean_env(home=ctx.work),
        limits=ctx.limits(stage),
        merge_stderr=False,
    )


def score_findings(
    stage: StageName,
    findings: list[Finding],
    points: float,
    per_finding: float,
    started: float,
    tool: str,
) -> StageResult:
    """Points minus a fixed cost per finding, with a floor at zero."""
    errors = [f for f in findings if f.severity == "error"]
    score = max(0.0, points - per_finding * len(errors))
    if not errors:
        return result(stage, "passed", points, points, started, f"{tool}: clean", findings=findings)
    noun = "finding" if len(errors) == 1 else "findings"
    return result(
        stage, "failed", score, points, started, f"{tool}: {len(errors)} {noun}", findings=findings
    )


def tool_broke(
    stage: StageName, outcome: CommandResult, points: float, started: float, tool: str
) -> StageResult:
    """The analyser itself failed (bad config, crash, time limit): the grader could not judge."""
    why = (
        f"did not finish within {outcome.duration_seconds:.0f} s"
        if outcome.timed_out
        else f"exited with code {outcome.returncode}"
    )
    detail = (outcome.stderr or outcome.output)[-2000:]
    return result(
        stage,
        "error",
        0,
        points,
        started,
        f"{tool} {why}; the grader could not judge this stage",
        log_excerpt=detail,
    )


def relative(path: str, ctx: StageContext) -> str:
    """A finding's file relative to the submission (tools may print absolute paths)."""
    root = str(ctx.submission.resolve())
    return path[len(root) + 1 :] if path.startswith(root + "/") else path


def now() -> float:
    return time.monotonic()
