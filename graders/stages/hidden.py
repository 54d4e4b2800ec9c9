"""Stage `hidden`: black-box HTTP tests against the learner's running service.

They run in the grader's own environment and process, never in the learner's: nothing the
submission ships (a conftest.py, a pytest plugin, a patched module) can reach them. A failing
hidden test reports its hint (the docstring), never its code or its assertion.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from graders.model.junit import JunitUnreadable, read_junit
from graders.model.report import Check, StageResult, Status
from graders.model.scoring import score
from graders.running.process import clean_env, run_cmd
from graders.running.service import ServiceDidNotStart, running_service
from graders.stages.context import StageContext, result

NO_HINT = "This hidden check failed; re-read the brief's section on this behaviour."


def run(ctx: StageContext) -> StageResult:
    started = time.monotonic()
    spec = ctx.assignment.spec.stages.hidden
    app = ctx.assignment.spec.app
    assert spec is not None and app is not None and ctx.env is not None
    if ctx.hidden_tests is None:
        return result(
            "hidden",
            "skipped",
            0,
            spec.points,
            started,
            "skipped: no hidden tests were given (practice run; the official grade adds them)",
            cause="no-hidden-tests",
        )
    limits = ctx.limits("hidden")
    junit = ctx.work / "hidden-junit.xml"
    try:
        with running_service(
            app, name="hidden", ctx=ctx, extra_env=spec.env, limits=limits
        ) as service:
            argv = [
                sys.executable,
                "-m",
                "pytest",
                str(ctx.hidden_tests),
                f"--junitxml={junit}",
                "-o",
                "junit_family=xunit1",
                "-p",
                "no:cacheprovider",
                "-p",
                "graders.running.pytest_hints",
                "-q",
                "--color=no",
                f"--rootdir={ctx.hidden_tests}",
            ]
            env = clean_env(
                {
                    "CLASSROOM_BASE_URL": service.base_url,
                    "PYTHONPATH": _grader_path(),
                    "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",  # the grader's run, reproducibly
                },
                home=ctx.work,
            )
            outcome = run_cmd(
                argv, cwd=ctx.hidden_tests, env=env, limits=limits, netns=service.netns
            )
    except ServiceDidNotStart as exc:
        return result(
            "hidden",
            "error",
            0,
            spec.points,
            started,
            str(exc),
            log_excerpt=exc.log,
            cause=exc.cause,
        )
    if outcome.timed_out:
        return result(
            "hidden",
            "error",
            0,
            spec.points,
            started,
            f"the hidden checks did not finish within {limits.timeout_seconds:.0f} s; "
            "the service may hang on some request",
            cause="timed-out",
        )
    try:
        outcomes = read_junit(junit)
    except JunitUnreadable as exc:
        return result(
            "hidden",
            "error",
            0,
            spec.points,
            started,
            f"the hidden checks produced no report ({exc})",
            cause="no-report",
        )
    checks = [
        Check(
            name=item.name.rsplit("::", 1)[-1],
            status=item.status,
            score=round(item.earned, 4),
            max_score=round(item.value, 4),
            hint=item.hint or NO_HINT,
            node_id=item.key,
        )
        for item in score(outcomes, spec.weights, spec.points)
    ]
    passed = sum(c.status == "passed" for c in checks)
    status: Status = "passed" if checks and passed == len(checks) else "failed"
    return result(
        "hidden",
        status,
        sum(c.score for c in checks),
        spec.points,
        started,
        f"{passed} of {len(checks)} hidden checks pass",
        checks=checks,
    )


def _grader_path() -> str:
    """So `-p graders.running.pytest_hints` imports in the child even from a source checkout."""
    import graders

    return str(Path(graders.__file__).parent.parent)
