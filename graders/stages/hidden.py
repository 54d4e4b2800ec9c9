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
from graders.running.postgres import DATABASE
from graders.running.process import clean_env, run_cmd
from graders.running.service import RunningService, ServiceDidNotStart, running_service
from graders.running.services import Backing
from graders.running.workers import Supervisor
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
            app, name="hidden", ctx=ctx, extra_env=spec.env, limits=limits, keep_output=True
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
                    "CLASSROOM_BASE_URLS": " ".join(service.base_urls),
                    "PYTHONPATH": _grader_path(),
                    "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",  # the grader's run, reproducibly
                    **backing_access(service.backing),
                    **worker_access(service.workers),
                    **service.upstreams.access(),
                    **service_access(service),
                },
                home=ctx.work,
            )
            outcome = run_cmd(
                argv, cwd=ctx.hidden_tests, env=env, limits=limits, netns=service.netns
            )
            workers_said = service.workers.summary() if service.workers else ""
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
        "; ".join(filter(None, [f"{passed} of {len(checks)} hidden checks pass", workers_said])),
        checks=checks,
    )


def backing_access(backing: Backing | None) -> dict[str, str]:
    """What a hidden check needs to act on the services behind the learner's (as the grader,
    never as the learner): `CLASSROOM_REDIS_URL` (to pause Redis or empty it, as an outage or
    every key expiring at once would), and `CLASSROOM_PSQL` with the superuser's libpq
    variables on the learner's database (to lock a table, or see who waits for it). The
    hidden checks are the grader's code in the grader's process; the service never sees these."""
    if backing is None:
        return {}
    access = {}
    if backing.redis_url is not None:
        access["CLASSROOM_REDIS_URL"] = backing.redis_url
    if backing.postgres is not None:
        admin = backing.postgres.admin_env()
        access |= {k: admin[k] for k in ("PGHOST", "PGUSER", "PGPASSWORD", "PGCONNECT_TIMEOUT")}
        access |= {"PGDATABASE": DATABASE, "CLASSROOM_PSQL": str(backing.postgres.bin / "psql")}
    return access


def service_access(service: RunningService) -> dict[str, str]:
    """What production sees of each instance (graders.running.service_view): the pid of its
    start command (`CLASSROOM_SERVICE_PIDS`: send it SIGTERM as a deploy would) and the file
    of its output (`CLASSROOM_SERVICE_LOGS`: read what it logged), in `CLASSROOM_BASE_URLS`'
    order."""
    return {
        "CLASSROOM_SERVICE_PIDS": " ".join(str(pid) for pid in service.pids),
        "CLASSROOM_SERVICE_LOGS": " ".join(str(log) for log in service.logs),
    }


def worker_access(workers: Supervisor | None) -> dict[str, str]:
    """`CLASSROOM_WORKERS`: the JSON file of the workers' current pids (graders.running.workers),
    so a check can kill one mid-job and see the work recovered once it is started again."""
    return {"CLASSROOM_WORKERS": str(workers.state)} if workers is not None else {}


def _grader_path() -> str:
    """So `-p graders.running.pytest_hints` imports in the child even from a source checkout."""
    import graders

    return str(Path(graders.__file__).parent.parent)
