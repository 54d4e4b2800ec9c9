"""Run the stages of one assignment over one submission and assemble the GradeReport."""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Collection
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

from graders import __version__, tools
from graders.assignment import LoadedAssignment, StageName
from graders.integrity import restore, tampering
from graders.logs import write_crash_log
from graders.process import Aborted, abort_everything, allow_new_processes, stop_everything
from graders.report import GradeReport, StageResult, Submission, Tampering, ordered, total
from graders.stages import hidden, install, lint, load, tests, types
from graders.stages.context import StageContext, StageRunner, result
from graders.workspace import IGNORED, make_traversable

# Stages that share the machine quietly; `load` runs alone afterwards so its figures are fair.
CONCURRENT: dict[StageName, StageRunner] = {
    "tests": tests.run,
    "hidden": hidden.run,
    "lint": lint.run,
    "types": types.run,
}
NEEDS_ENVIRONMENT: frozenset[StageName] = frozenset({"tests", "hidden", "load"})
GRADER_BUG = "the grader failed on this stage (a bug on our side, not yours"


def grade_submission(
    assignment: LoadedAssignment,
    submission: Path,
    *,
    hidden_tests: Path | None,
    skip: Collection[StageName],
    submission_info: Submission,
    official: bool = False,
) -> GradeReport:
    """Grade `submission`; returns a report whatever happens to the learner's code.

    `official` grades a copy with the template's protected files put back (see integrity)."""
    started_at, started = datetime.now(UTC), time.monotonic()
    allow_new_processes()
    tampered: list[Tampering] = []
    with tempfile.TemporaryDirectory(prefix="classroom-grade-") as tmp:
        work = Path(tmp)
        make_traversable(work)
        graded = submission.resolve()
        if official:
            tampered, graded = _restored_copy(assignment, graded, work)
        ctx = StageContext(assignment, graded, work, hidden_tests, env=None)
        try:
            stages, env_python = _run_all(ctx, skip)
        except BaseException:
            abort_everything()
            raise
        finally:
            stop_everything()
    score, max_score = total(stages)
    return GradeReport(
        assignment=assignment.spec.slug,
        assignment_title=assignment.spec.title,
        score=score,
        max_score=max_score,
        submission=submission_info,
        stages=stages,
        tool_versions=tools.versions(env_python),
        grader_version=__version__,
        started_at=started_at,
        duration_seconds=round(time.monotonic() - started, 2),
        tier="official" if official else "practice",
        integrity=tampered,
    )


def _restored_copy(
    assignment: LoadedAssignment, submission: Path, work: Path
) -> tuple[list[Tampering], Path]:
    """What the submission changed of the protected files, and a copy with them put back."""
    template, protected = assignment.root / "starter", assignment.spec.protected_paths
    copy = work / "official-submission"
    shutil.copytree(submission, copy, ignore=IGNORED, symlinks=True)
    make_traversable(copy)
    changed = tampering(copy, template, protected)  # judged on the copy that gets graded
    restore(copy, template, protected)
    return changed, copy


def _run_all(
    ctx: StageContext, skip: Collection[StageName]
) -> tuple[list[StageResult], Path | None]:
    installed, env = install.run(ctx)
    ctx = StageContext(ctx.assignment, ctx.submission, ctx.work, ctx.hidden_tests, env)
    results = [installed]
    wanted = [name for name in CONCURRENT if _configured(ctx, name)]
    with ThreadPoolExecutor(max_workers=len(wanted) or 1) as pool:
        futures = {name: pool.submit(_one, ctx, name, CONCURRENT[name], skip) for name in wanted}
        results += [future.result() for future in futures.values()]
    if _configured(ctx, "load"):
        results.append(_one(ctx, "load", load.run, skip))
    return ordered(results), env.python if env else None


def _configured(ctx: StageContext, name: StageName) -> bool:
    return getattr(ctx.assignment.spec.stages, name) is not None


def _one(
    ctx: StageContext, name: StageName, runner: StageRunner, skip: Collection[StageName]
) -> StageResult:
    """One stage, turned into a result whatever happens (a grader bug included)."""
    started = time.monotonic()
    points = getattr(ctx.assignment.spec.stages, name).points
    if name in skip:
        return result(name, "skipped", 0, points, started, "skipped on request (--skip)")
    if name in NEEDS_ENVIRONMENT and ctx.env is None:
        return result(
            name,
            "error",
            0,
            points,
            started,
            "could not run: the submission's dependencies did not install",
        )
    try:
        return runner(ctx)
    except Aborted:
        raise
    except Exception as exc:
        log = write_crash_log(exc)
        return result(name, "error", 0, points, started, f"{GRADER_BUG}; details in {log})")
