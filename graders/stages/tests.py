"""Stage `tests`: the public pytest tests, inside the submission's own environment.

The learner's code runs here, so the run is contained: the grading's own uid, a private
filesystem, no network, process and memory limits, and a per-test timeout so one endless
test costs only itself. The run is steered by the assignment alone: the interpreter does not
put the submission's folder ahead of the installed pytest (`-P`: a `pytest.py` there is not
pytest), the assignment's pytest configuration is given explicitly (`-c`: a `.pytest.toml`
or `tox.ini` of the learner's is never read), and no installed plugin loads unless the grader
names it (`PYTEST_DISABLE_PLUGIN_AUTOLOAD`: a wheel's `pytest11` entry point stays inert).
When the assignment has `[app.services]`, the run gets them (graders.running.pytest_services): the
databases started for this stage alone, and `[app.env]` with its placeholders filled.
"""

from __future__ import annotations

import shutil
import time
from fnmatch import fnmatch
from importlib.resources import files
from pathlib import Path

from graders.model.assignment import TestsStage
from graders.model.junit import CaseOutcome, JunitUnreadable, read_junit
from graders.model.report import Check, StageResult, Status
from graders.model.scoring import score
from graders.running.process import clean_env, run_cmd
from graders.running.pytest_services import ServicesUnavailable, pytest_services
from graders.running.workspace import private_copy, scratch_dir
from graders.stages.context import StageContext, result, services_unavailable
from graders.stages.shell import Workspace, run_setup

PLUGIN = "pytest_public"  # graders/running/pytest_public.py, copied next to the run
DEFAULT_FILES = ("test_*.py", "*_test.py")  # pytest's own default for python_files


def run(ctx: StageContext) -> StageResult:
    started = time.monotonic()
    spec = ctx.assignment.spec.stages.tests
    assert spec is not None and ctx.env is not None
    copy = private_copy(ctx.submission, ctx.work, "tests", ctx.uid)
    reports = scratch_dir(ctx.work, "tests-junit", ctx.uid)
    plugins = _plugin_folder(ctx.work)
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
        "pytest_timeout",  # the plugins the grader names; nothing else auto-loads
        "-p",
        PLUGIN,
        *discovery_options(spec),
        *spec.paths,
        f"--junitxml={junit}",
        "-o",
        "junit_family=xunit1",
        "-p",
        "no:cacheprovider",
        "-q",
        "--color=no",
        "--tb=short",  # a failure's story in a few lines: the learner reads it in a comment
        # A file that does not import costs its own tests, not every other file's too (as
        # running each file on its own would: GitHub Classroom's one command per test).
        "--continue-on-collection-errors",
        f"--timeout={min(spec.per_test_timeout_seconds, limits.timeout_seconds)}",
    ]
    try:
        with pytest_services(ctx.assignment.spec.app, reports) as services:
            base = clean_env(
                {**services.env, **spec.env, "CLASSROOM_GRADING": "1"},
                path_prefix=[ctx.env.bin],
                home=reports,
            )
            failed = run_setup(
                ctx, Workspace(copy, reports, base, services.readable), spec.setup, limits
            )
            if failed is not None:
                return result(
                    "tests", "failed", 0, spec.points, started, failed.message,
                    log_excerpt=failed.log, cause="setup-failed",
                )  # fmt: skip
            env = base | {
                "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
                "PYTHONSAFEPATH": "1",
                "PYTHONPATH": str(plugins),  # the grader's plugin alone
            }
            untrusted = ctx.untrusted(copy, reports, readable=(plugins, *services.readable))
            outcome = run_cmd(argv, cwd=copy, env=env, limits=limits, untrusted=untrusted)
    except ServicesUnavailable as exc:
        return services_unavailable("tests", exc, spec.points, started)
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
    counted = starter_test_files(ctx.assignment.root, spec)
    checks = score_tests(outcomes, spec, counted)
    return summarise(checks, spec, started, outcome.truncated_bytes)


def _plugin_folder(work: Path) -> Path:
    """The grader's plugin, copied where the contained run may read it (never write it)."""
    folder = work / "tests-plugins"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    target = folder / f"{PLUGIN}.py"
    target.write_text(files("graders.running").joinpath(f"{PLUGIN}.py").read_text(encoding="utf-8"))
    target.chmod(0o644)
    return folder


def discovery_options(spec: TestsStage) -> list[str]:
    """pytest's discovery settings the assignment sets, as `-o` overrides."""
    settings = {
        "python_files": spec.python_files,
        "python_classes": spec.python_classes,
        "python_functions": spec.python_functions,
    }
    return [
        f for key, values in settings.items() if values for f in ("-o", f"{key}={' '.join(values)}")
    ]


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


def starter_test_files(assignment_root: Path, spec: TestsStage) -> set[str] | None:
    """Test files the assignment ships: only they score (a learner's own tests are welcome)."""
    starter = assignment_root / "starter"
    if not starter.is_dir():
        return None
    patterns = spec.python_files or list(DEFAULT_FILES)
    found = set()
    for base in spec.paths:
        start = starter / base
        candidates = [start] if start.is_file() else start.rglob("*.py")
        found |= {
            p.relative_to(starter).as_posix()
            for p in candidates
            if any(fnmatch(p.name, pattern) for pattern in patterns)
        }
    return found or None


def score_tests(
    outcomes: list[CaseOutcome], spec: TestsStage, counted: set[str] | None
) -> list[Check]:
    """One check per counted test or all-or-nothing group (graders.model.scoring)."""
    scored = score(outcomes, spec.weights, spec.points, counted, spec.all_or_nothing)
    return [
        Check(
            name=item.name,
            status=item.status,
            score=round(item.earned, 4),
            max_score=round(item.value, 4),
            message=item.message,
            hint=item.hint,
            node_id=item.key if item.group else "",
        )
        for item in scored
    ]


NO_TESTS = (
    "no tests were collected, so nothing could pass: pytest looked in {paths} for files named "
    "{patterns} holding functions named test_* (or unittest TestCase classes); check the "
    "test files' names and that they are committed"
)


def summarise(checks: list[Check], spec: TestsStage, started: float, truncated: int) -> StageResult:
    passed = sum(c.status == "passed" for c in checks)
    earned = sum(c.score for c in checks)
    if not checks:
        patterns = " or ".join(spec.python_files or DEFAULT_FILES)
        return result(
            "tests",
            "failed",
            0,
            spec.points,
            started,
            NO_TESTS.format(paths=", ".join(spec.paths), patterns=patterns),
            checks=checks,
            cause="no-tests",
        )
    status: Status = "passed" if passed == len(checks) else "failed"
    message = f"{passed} of {len(checks)} tests pass"
    if truncated:
        message += f" (output over the cap: {truncated:,} bytes dropped)"
    return result("tests", status, earned, spec.points, started, message, checks=checks)
