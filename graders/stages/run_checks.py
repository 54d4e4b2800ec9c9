"""Stages `io` and `commands`: the checks an assignment lists as `[[stages.io]]` and
`[[stages.commands]]`, one after another in one copy of the submission (as GitHub Classroom
runs its tests in one checkout: a check may use what an earlier one built).

- An io check passes when its command exits 0 and its stdout, compared as graders.model.assignment
  `IoCheck` says, matches the expected output. stderr is shown, never compared.
- A command check passes when its command exits 0 (a coverage threshold, pylint, a script).
Each earns all its points or none. Commands run contained (graders.stages.shell).
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence

from basis.procs import CommandResult, Limits
from graders.feedback.mdsafe import clip
from graders.model.assignment import CommandCheck, IoCheck
from graders.model.causes import failed_because
from graders.model.report import Check, StageResult, Status
from graders.stages.context import StageContext, result
from graders.stages.registry import StageName
from graders.stages.shell import Workspace, run_setup, run_shell, workspace

SHOWN_BYTES = 3000


def run_io(ctx: StageContext) -> StageResult:
    """Stage `io`: stdin/stdout checks."""
    return _run(ctx, "io", ctx.assignment.spec.stages.io)


def run_commands(ctx: StageContext) -> StageResult:
    """Stage `commands`: checks scored by exit code."""
    return _run(ctx, "commands", ctx.assignment.spec.stages.commands)


def _run(
    ctx: StageContext, stage: StageName, entries: Sequence[IoCheck | CommandCheck]
) -> StageResult:
    started = time.monotonic()
    space = workspace(ctx, stage, {})
    checks = [_one(ctx, space.with_env(entry.env), stage, entry) for entry in entries]
    points = sum(entry.points for entry in entries)
    passed = sum(c.status == "passed" for c in checks)
    status: Status = "passed" if passed == len(checks) else "failed"
    return result(
        stage,
        status,
        sum(c.score for c in checks),
        points,
        started,
        f"{passed} of {len(checks)} checks pass",
        checks=checks,
    )


def _one(
    ctx: StageContext, space: Workspace, stage: StageName, entry: IoCheck | CommandCheck
) -> Check:
    limits = _limits(ctx, stage, entry.timeout_seconds)
    failed = run_setup(ctx, space, entry.setup, limits)
    if failed is not None:
        return _check(entry, False, failed.message + "\n\n" + failed.log)
    stdin = entry.input.encode("utf-8") if isinstance(entry, IoCheck) else None
    outcome = run_shell(ctx, space, entry.run, limits, stdin=stdin)
    if not outcome.ok:
        return _check(entry, False, _exit_story(entry, outcome))
    if isinstance(entry, IoCheck):
        return _compared(entry, outcome)
    return _check(entry, True, "")


def _limits(ctx: StageContext, stage: StageName, timeout: float) -> Limits:
    limits = ctx.limits(stage)
    return Limits(
        timeout_seconds=timeout,
        output_bytes=limits.output_bytes,
        memory_mb=limits.memory_mb,
        max_processes=limits.max_processes,
    )


def _exit_story(entry: IoCheck | CommandCheck, outcome: CommandResult) -> str:
    """Why the command failed, then what it printed (its stderr first: the error is there)."""
    said = outcome.stderr + "\n" + outcome.output
    first = failed_because(f"`{entry.run}`", outcome.returncode, outcome.timed_out, said).replace(
        "did not finish in time", f"did not finish within {entry.timeout_seconds:g} s"
    )
    printed = "\n".join(p for p in (outcome.stderr.strip(), outcome.output.strip()) if p)
    return first + (f"\n\n{_shown(printed)}" if printed else "")


def normalised(text: str) -> str:
    """Line endings made `\\n`, surrounding whitespace trimmed (as GitHub Classroom compares)."""
    return text.replace("\r\n", "\n").strip()


def output_matches(check: IoCheck, stdout: str) -> bool:
    """The io check's verdict on what the command printed."""
    actual = normalised(stdout)
    if check.comparison == "exact":
        return actual == normalised(check.output)
    if check.comparison == "regex":
        # JavaScript's RegExp, as GitHub's graders use it: ASCII classes, unanchored search.
        return re.search(check.output, actual, flags=re.ASCII) is not None
    return normalised(check.output) in actual


def _compared(check: IoCheck, outcome: CommandResult) -> Check:
    if output_matches(check, outcome.output):
        return _check(check, True, "")
    wanted = {"exact": "exactly", "included": "containing", "regex": "matching"}[check.comparison]
    message = (
        f"`{check.run}` printed something else: expected output {wanted}\n"
        f"{_shown(normalised(check.output))}\n\nbut it printed\n"
        f"{_shown(normalised(outcome.output)) or '(nothing)'}"
    )
    if outcome.truncated_bytes:
        message += f"\n\n(its output went over the cap: {outcome.truncated_bytes:,} bytes dropped)"
    return _check(check, False, message)


def _shown(text: str) -> str:
    return clip(text, max_lines=40, max_bytes=SHOWN_BYTES)


def _check(entry: IoCheck | CommandCheck, passed: bool, message: str) -> Check:
    return Check(
        name=entry.name,
        status="passed" if passed else "failed",
        score=entry.points if passed else 0.0,
        max_score=entry.points,
        message=message,
    )
