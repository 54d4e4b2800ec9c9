"""Stage `tests`: the public pytest tests, inside the submission's own environment.

The learner's code runs here, so the run is contained: the grading's own uid, a private
filesystem, no network, process and memory limits, and a per-test timeout so one endless
test costs only itself. The run is steered by the assignment alone: the interpreter does not
put the submission's folder ahead of the installed pytest (`-P`: a `pytest.py` there is not
pytest), the assignment's pytest configuration is given explicitly (`-c`: a `.pytest.toml`
or `tox.ini` of the learner's is never read), and no installed plugin loads unless the grader
names it (`PYTEST_DISABLE_PLUGIN_AUTOLOAD`: a wheel's `pytest11` entry point stays inert).
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from graders.junit import CaseOutcome, JunitUnreadable, read_junit, weigh
from graders.process import clean_env, run_cmd
from graders.report import Check, StageResult, Status
from graders.stages.context import StageContext, result
from graders.workspace import private_copy, scratch_dir


def run(ctx: StageContext) -> StageResult:
    started = time.monotonic()
    spec = ctx.assignment.spec.stages.tests
    assert spec is not None and ctx.env is not None
    copy = private_copy(ctx.submission, ctx.work, "tests", ctx.uid)
    reports = scratch_dir(ctx.work, "tests-junit", ctx.uid)
    junit = reports / "junit.xml"
    limits = ctx.limits("tests")
    config = write_trusted_config(ctx.assignment.root, copy)
    argv = [
        str(ctx.env.python),
        "-P",  # the submission's folder is not on sys.path before pytest is imported
        "-m",
        "pytest",
        "-c",
        str(config),
        f"--rootdir={copy}",
        "-p",
        "pytest_timeout",  # the one plugin the grader names; nothing else auto-loads
        *spec.paths,
        f"--junitxml={junit}",
        "-o",
        "junit_family=xunit1",
        "-p",
        "no:cacheprovider",
        "-q",
        "--color=no",
        "--tb=short",  # a failure's story in a few lines: the learner reads it in a comment
        f"--timeout={min(spec.per_test_timeout_seconds, limits.timeout_seconds)}",
    ]
    env = clean_env(
        {"CLASSROOM_GRADING": "1", "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", "PYTHONSAFEPATH": "1"},
        path_prefix=[ctx.env.bin],
        home=reports,
    )
    outcome = run_cmd(
        argv, cwd=copy, env=env, limits=limits, untrusted=ctx.untrusted(copy, reports)
    )
    if outcome.timed_out:
        return result(
            "tests",
            "error",
            0,
            spec.points,
            started,
            f"the test run did not finish within {limits.timeout_seconds:.0f} s and "
            "was stopped; look for a test or fixture that never returns",
            log_excerpt=outcome.output[-4000:],
            cause="timed-out",
        )
    if outcome.memory_exceeded and not junit.exists():
        return result(
            "tests",
            "failed",
            0,
            spec.points,
            started,
            f"the test run was stopped: it used more than {limits.memory_mb} MB of "
            "memory, the assignment's limit; look for data that grows without bound",
            log_excerpt=outcome.output[-4000:],
            cause="memory",
        )
    try:
        outcomes = read_junit(junit)
    except JunitUnreadable as exc:
        return result(
            "tests",
            "error",
            0,
            spec.points,
            started,
            f"pytest ended without a report ({exc}); its output says why",
            log_excerpt=outcome.output[-4000:],
            cause="no-report",
        )
    counted = starter_test_files(ctx.assignment.root, spec.paths)
    checks = score_tests(outcomes, spec.weights, spec.points, counted)
    return summarise(checks, spec.points, started, outcome.truncated_bytes)


DEFAULT_CONFIG = "[pytest]\npythonpath = .\n"


def write_trusted_config(assignment_root: Path, copy: Path) -> Path:
    """The assignment's pytest.ini (else a minimal one), written over whatever the copy had."""
    template = assignment_root / "starter" / "pytest.ini"
    text = template.read_text(encoding="utf-8") if template.is_file() else DEFAULT_CONFIG
    target = copy / "pytest.ini"
    if target.is_dir() and not target.is_symlink():
        shutil.rmtree(target)
    elif target.is_symlink() or target.exists():
        target.unlink()
    target.write_text(text, encoding="utf-8")
    return target


def starter_test_files(assignment_root: Path, paths: list[str]) -> set[str] | None:
    """Test files the assignment ships: only they score (a learner's own tests are welcome)."""
    starter = assignment_root / "starter"
    if not starter.is_dir():
        return None
    files = {
        str(p.relative_to(starter)) for base in paths for p in (starter / base).rglob("test_*.py")
    }
    return files or None


def score_tests(
    outcomes: list[CaseOutcome], weights: dict[str, float], points: float, counted: set[str] | None
) -> list[Check]:
    """One check per counted test; tests named in `weights` that never ran count as failed."""
    worth = weigh(outcomes, weights, points, counted)
    by_id = {o.node_id: o for o in outcomes}
    checks = []
    for node, value in worth.items():
        found = by_id.get(node)
        status = found.outcome if found else "failed"
        message = found.message if found else "this test did not run (was it renamed or removed?)"
        checks.append(
            Check(
                name=node,
                status=status,
                score=round(value, 4) if status == "passed" else 0.0,
                max_score=round(value, 4),
                message=message,
            )
        )
    return checks


def summarise(checks: list[Check], points: float, started: float, truncated: int) -> StageResult:
    passed = sum(c.status == "passed" for c in checks)
    score = sum(c.score for c in checks)
    if not checks:
        return result(
            "tests",
            "error",
            0,
            points,
            started,
            "no tests were collected; the tests folder may be missing",
            checks=checks,
            cause="no-tests",
        )
    status: Status = "passed" if passed == len(checks) else "failed"
    message = f"{passed} of {len(checks)} tests pass"
    if truncated:
        message += f" (output over the cap: {truncated:,} bytes dropped)"
    return result("tests", status, score, points, started, message, checks=checks)
