"""Stage `test_quality`: the learner's own tests, scored by the bugs they catch.

Their tests run against the reference solution, where they must pass, then against each of
the instructor's buggy versions of it (graders.running.bugs); a bug is exposed when a test
that passed on the solution fails on it. The solution runs twice, first and again among the
bugs in a random order: only tests that pass both times count, so a test that tells the
runs apart by the clock or by chance earns nothing.

Every run is contained as the public tests are (graders.stages.tests: the grading's own uid,
a private filesystem, no network, limits, the assignment's pytest configuration, no plugin
but the grader's). Each run sees one copy of the code under a random name, with the
learner's tests in it, and nothing else: not the bugs, not the pristine solution, not the
other runs. The runs look alike from inside (same layout, same environment), so a suite
cannot ask "am I running against a bug?" except by testing behaviour, which is the point.
When the assignment has `[app.services]`, each run gets its own freshly started databases
(graders.running.pytest_services): every run starts from an empty database, and no run can leave a
note in one for a later run to read (as "this was the solution's code").

The solution is the code under test, so nothing the run prints reaches the report: what may
be said of a failing test is decided by graders.model.own_tests, from the learner's own files.
"""

from __future__ import annotations

import os
import random
import secrets
import shutil
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from graders.model.assignment import TestQualityStage
from graders.model.junit import JunitUnreadable, read_junit
from graders.model.own_tests import Finding, finding, is_test_file, own_files, vouched_name
from graders.model.report import Check, StageResult, Status
from graders.running.bugs import BadBugs, Bug, apply_bug, load_bugs
from graders.running.process import clean_env, run_cmd
from graders.running.pytest_services import ServicesUnavailable, pytest_services
from graders.running.workspace import IGNORED, give_to, scratch_dir
from graders.stages.context import StageContext, result, services_unavailable
from graders.stages.tests import write_trusted_config

SOLUTION, BUGS = "solution", "bugs"  # the hidden material, beside hidden_tests/
SHOWN_FINDINGS = 5  # tests named as failing on correct code; the rest are counted
RunStatus = Literal["ok", "timed-out", "memory", "no-report"]
MAX_SOURCE = 1_000_000  # a test file's characters read for quoting its lines


@dataclass(frozen=True)
class Run:
    """One run of the learner's tests: how it ended and each test's outcome (and its text,
    which never leaves this module but as a graders.model.own_tests.Finding)."""

    status: RunStatus
    outcomes: dict[str, tuple[str, str]] = field(default_factory=dict)

    def passed(self) -> set[str]:
        return {node for node, (outcome, _) in self.outcomes.items() if outcome == "passed"}

    def broken(self, trusted: set[str]) -> set[str]:
        """Trusted tests that did not pass here (failed, errored, or never ran)."""
        ended = {t: self.outcomes.get(t, ("missing", ""))[0] for t in trusted}
        return {t for t, outcome in ended.items() if outcome not in ("passed", "skipped")}


@dataclass(frozen=True)
class Material:
    solution: Path
    bugs: list[Bug]


def run(ctx: StageContext) -> StageResult:
    started = time.monotonic()
    spec = ctx.assignment.spec.stages.test_quality
    assert spec is not None and ctx.env is not None
    points = spec.points
    if ctx.hidden_tests is None:
        return result(
            "test_quality", "skipped", 0, points, started,
            "runs in the official grade: your tests are run against the reference solution "
            "and the instructor's buggy versions of it, which only the official grade has",
            cause="no-hidden-tests",
        )  # fmt: skip
    try:
        material = _material(ctx.hidden_tests.parent)
    except BadBugs as exc:
        return _bad_material(exc, points, started)
    files = own_files(ctx.submission, spec.paths, ctx.assignment.root / "starter")
    sources = _sources(ctx.submission, files)
    if not any(is_test_file(Path(f).name) for f in files):
        return result(
            "test_quality", "failed", 0, points, started,
            f"no tests of your own were found in {', '.join(spec.paths)}: write test_*.py "
            "files there (the public tests do not count here)",
            cause="no-tests",
        )  # fmt: skip
    runner = _Runner(ctx, spec, material.solution, files)
    try:
        first = runner.run(None)
        if first.status != "ok" or not first.passed():
            return _nothing_passes(first, spec, sources, started)
        others = _run_concurrently(runner, material.bugs, spec.jobs)
    except BadBugs as exc:
        return _bad_material(exc, points, started)
    except ServicesUnavailable as exc:
        return services_unavailable("test_quality", exc, points, started)
    return _verdict(first, others, material.bugs, spec, sources, started, ctx.official)


def _bad_material(exc: BadBugs, points: float, started: float) -> StageResult:
    return result(
        "test_quality", "error", 0, points, started,
        f"the assignment's bugs for this stage are broken (the instructor's to fix): {exc}",
        cause="bad-material",
    )  # fmt: skip


def _material(private: Path) -> Material:
    """The reference solution and the bugs: `solution/` and `bugs/` beside `hidden_tests/`."""
    solution, bugs = private.resolve() / SOLUTION, private.resolve() / BUGS
    for folder in (solution, bugs):
        if not folder.is_dir():
            raise BadBugs(f"{folder.name}/ is not beside hidden_tests/ where the grade looked")
    return Material(solution, load_bugs(bugs))


def _sources(submission: Path, files: list[str]) -> dict[str, str]:
    sources = {}
    for rel in files:
        path = submission / rel
        if rel.endswith(".py") and path.is_file() and not path.is_symlink():
            with path.open(encoding="utf-8", errors="replace") as handle:
                sources[rel] = handle.read(MAX_SOURCE)
    return sources


class _Runner:
    """Runs the learner's tests against the solution, or one bug of it, contained."""

    def __init__(self, ctx: StageContext, spec: TestQualityStage, solution: Path, files: list[str]):
        self.ctx, self.spec, self.solution, self.files = ctx, spec, solution, files

    def run(self, bug: Bug | None) -> Run:
        copy = self._copy(bug)
        reports = scratch_dir(self.ctx.work, f"tq-{secrets.token_hex(8)}", self.ctx.uid)
        junit = reports / "junit.xml"
        limits = replace(
            self.ctx.limits("test_quality"), timeout_seconds=self.spec.per_bug_timeout_seconds
        )
        assert self.ctx.env is not None
        with pytest_services(self.ctx.assignment.spec.app, reports) as services:
            env = clean_env(
                {
                    **services.env,
                    "CLASSROOM_GRADING": "1",
                    "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
                    "PYTHONSAFEPATH": "1",
                },
                path_prefix=[self.ctx.env.bin],
                home=reports,
            )
            outcome = run_cmd(
                self._argv(copy, junit),
                cwd=copy,
                env=env,
                limits=limits,
                untrusted=self.ctx.untrusted(copy, reports, readable=services.readable),
            )
        if outcome.timed_out:
            return Run("timed-out")
        try:
            cases = read_junit(junit)
        except JunitUnreadable:
            return Run("memory" if outcome.memory_exceeded else "no-report")
        return Run("ok", {case.node_id: (case.outcome, case.message) for case in cases})

    def _copy(self, bug: Bug | None) -> Path:
        """The solution (with `bug` applied) under a random name, the learner's tests in it."""
        copy = self.ctx.work / f"tq-{secrets.token_hex(8)}"
        shutil.copytree(self.solution, copy, ignore=IGNORED, symlinks=True)
        for base in self.spec.paths:  # the solution's own tests there are not the learner's
            target = copy / base
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target)
            elif target.exists() or target.is_symlink():
                target.unlink()
        if bug is not None:
            apply_bug(bug, copy)
        for rel in self.files:
            (copy / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(self.ctx.submission / rel, copy / rel, follow_symlinks=False)
        write_trusted_config(self.ctx.assignment.root, copy)
        give_to(copy, self.ctx.uid)
        return copy

    def _argv(self, copy: Path, junit: Path) -> list[str]:
        assert self.ctx.env is not None
        timeout = min(self.spec.per_test_timeout_seconds, self.spec.per_bug_timeout_seconds)
        return [
            str(self.ctx.env.python),
            "-P",
            "-m",
            "pytest",
            "-c",
            str(copy / "pytest.ini"),
            f"--rootdir={copy}",
            "-p",
            "pytest_timeout",
            "-p",
            "no:cacheprovider",
            *self.spec.paths,
            f"--junitxml={junit}",
            "-o",
            "junit_family=xunit1",
            "-q",
            "--color=no",
            "--tb=long",  # its last line, `file:line: ExceptionType`, is what own_tests reads
            "--continue-on-collection-errors",
            f"--timeout={timeout}",
        ]


def _run_concurrently(runner: _Runner, bugs: list[Bug], jobs: int) -> list[Run]:
    """Each bug and the solution once more, in a random order; results in `bugs` order, then
    the solution's."""
    order: list[Bug | None] = [*bugs, None]
    random.SystemRandom().shuffle(order)
    workers = max(1, min(jobs, os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {id(item): pool.submit(runner.run, item) for item in order}
    return [futures[id(item)].result() for item in [*bugs, None]]


def _nothing_passes(
    first: Run, spec: TestQualityStage, sources: dict[str, str], started: float
) -> StageResult:
    points = spec.points
    if first.status == "timed-out":
        return result(
            "test_quality", "failed", 0, points, started,
            f"your tests did not finish within {spec.per_bug_timeout_seconds:.0f} s on the "
            "reference solution; make them faster (or look for a test that never returns)",
            cause="timed-out",
        )  # fmt: skip
    if first.status != "ok":
        return result(
            "test_quality", "failed", 0, points, started,
            "your tests stopped without a pytest report on the reference solution (something "
            "in them ended the run, or used too much memory); run them with pytest locally",
            cause="memory" if first.status == "memory" else "no-report",
        )  # fmt: skip
    if not first.outcomes:
        return result(
            "test_quality", "failed", 0, points, started,
            f"pytest collected no tests of yours in {', '.join(spec.paths)}",
            cause="no-tests",
        )  # fmt: skip
    checks = _finding_checks(first, first.outcomes.keys(), sources)
    return result(
        "test_quality", "failed", 0, points, started,
        f"none of your {len(first.outcomes)} tests pass on correct code, so none can show a "
        "bug: a test must pass on a correct implementation before its failures mean anything",
        checks=checks,
    )  # fmt: skip


def _verdict(
    first: Run,
    others: list[Run],
    bugs: list[Bug],
    spec: TestQualityStage,
    sources: dict[str, str],
    started: float,
    official: bool,
) -> StageResult:
    *bug_runs, second = others
    trusted = first.passed() & second.passed() if second.status == "ok" else set()
    exposed = [_exposes(run, trusted) for run in bug_runs]
    count = sum(exposed)
    if not official and spec.practice == "count":
        return result(
            "test_quality", "skipped", 0, spec.points, started,
            f"practice: your tests expose {count} of {len(bugs)} bugs; the official grade "
            "scores them and names the ones they miss",
            cause="practice-count",
        )  # fmt: skip
    share = spec.points / len(bugs)
    judged = zip(bugs, exposed, bug_runs, strict=True)
    checks = [_bug_check(bug, hit, run, share, spec) for bug, hit, run in judged]
    wrong = [n for n, (o, _) in first.outcomes.items() if o in ("failed", "error")]
    flaky = sorted(first.passed() - trusted)
    checks += _finding_checks(first, wrong, sources)
    checks += _flaky_checks(flaky, sources, second.status == "ok")
    message = f"your tests exposed {count} of {len(bugs)} bugs"
    if wrong:
        message += f"; {len(wrong)} of your tests fail on correct code"
    if second.status != "ok":
        message += "; the second run on correct code did not finish, so no exposure counts"
    elif flaky:
        message += f"; {len(flaky)} passed once and not again on correct code, and do not count"
    status: Status = "passed" if count == len(bugs) and not wrong and not flaky else "failed"
    return result(
        "test_quality", status, count * share, spec.points, started, message, checks=checks
    )


def _exposes(run: Run, trusted: set[str]) -> bool:
    return run.status == "ok" and bool(run.broken(trusted))


def _bug_check(bug: Bug, hit: bool, run: Run, share: float, spec: TestQualityStage) -> Check:
    if hit:
        message = "a test of yours fails on this bug"
    elif run.status == "timed-out":
        message = (
            f"your tests did not finish within {spec.per_bug_timeout_seconds:.0f} s on this "
            "buggy version, so it does not count as exposed"
        )
    else:
        message = "every test of yours still passes with this bug in the code"
    return Check(
        name=bug.description,
        status="passed" if hit else "failed",
        score=round(share if hit else 0.0, 4),
        max_score=round(share, 4),
        message=message,
        kind="bug",
    )


def _finding_checks(first: Run, names: Iterable[str], sources: dict[str, str]) -> list[Check]:
    wrong = sorted(n for n in names if first.outcomes[n][0] in ("failed", "error"))
    checks = []
    for node in wrong[:SHOWN_FINDINGS]:
        outcome, text = first.outcomes[node]
        checks.append(_wrong_check(finding(node, outcome, text, sources)))
    return checks


def _wrong_check(found: Finding) -> Check:
    where = f" at line {found.line}" if found.line else ""
    return Check(
        name=found.test,
        status="failed",
        score=0.0,
        max_score=0.0,
        message=f"fails on correct code: {found.exception}{where}",
        hint=found.source,
        kind="wrong",
    )


def _flaky_checks(flaky: list[str], sources: dict[str, str], confirmed: bool) -> list[Check]:
    why = (
        "passed on correct code once and failed the second time: a test that depends on "
        "time, order or chance cannot tell a bug from luck"
        if confirmed
        else "the second run on correct code did not finish, so no result could be confirmed"
    )
    return [
        Check(name=vouched_name(n, sources)[0], status="failed", score=0.0, max_score=0.0,
              message=why, kind="flaky")
        for n in flaky[:SHOWN_FINDINGS]
    ]  # fmt: skip
