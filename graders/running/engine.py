"""Run the stages of one assignment over one submission and assemble the GradeReport."""

from __future__ import annotations

import contextlib
import dataclasses
import importlib
import os
import shutil
import tempfile
import time
from collections.abc import Collection, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

from basis import watchdog
from basis.procs import Aborted, abort_everything, allow_new_processes, stop_everything
from graders import __version__
from graders.model.assignment import LoadedAssignment
from graders.model.milestones import progress
from graders.model.report import GradeReport, StageResult, Submission, Tampering, ordered, total
from graders.running import tools
from graders.running.containment import detect
from graders.running.integrity import restore, tampering
from graders.running.isolation import own_uid
from graders.running.logs import write_crash_log
from graders.running.workspace import IGNORED, make_traversable
from graders.stages import install, registry
from graders.stages.context import StageContext, StageRunner, result
from graders.stages.registry import Stage, StageName

GRADER_BUG = "the grader failed on this stage (a bug on our side, not yours"


class UncontainedOfficialGrade(Exception):
    """This machine cannot contain learner code fully; an official grade is refused."""

    def __init__(self, missing: list[str]) -> None:
        super().__init__("; ".join(missing))
        self.missing = missing


def grade_submission(
    assignment: LoadedAssignment,
    submission: Path,
    *,
    hidden_tests: Path | None,
    skip: Collection[StageName],
    submission_info: Submission,
    official: bool = False,
    grader_commit: str | None = None,
) -> GradeReport:
    """Grade `submission`; returns a report whatever happens to the learner's code.

    `official` grades a copy with the template's protected files put back (see integrity)."""
    started_at, started = datetime.now(UTC), time.monotonic()
    caps = detect()
    if official and caps.missing():
        raise UncontainedOfficialGrade(caps.missing())
    allow_new_processes()
    tampered: list[Tampering] = []
    # The uid is given back (everything still running as it killed) before the folder goes.
    with run_folder() as work, own_uid(caps) as uid:
        make_traversable(work)
        graded = submission.resolve()
        if official:
            tampered, graded = _restored_copy(assignment, graded, work)
        ctx = StageContext(
            assignment, graded, work, hidden_tests, env=None, uid=uid, official=official
        )
        try:
            stages, env_python = _run_all(ctx, skip)
        except BaseException:
            abort_everything()
            raise
        finally:
            stop_everything()
    score, max_score = total(stages)
    report = GradeReport(
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
        grader_commit=grader_commit,
        containment=caps.describe(uid),
    )
    return report.model_copy(update={"milestones": progress(report, assignment.spec.milestones)})


@contextlib.contextmanager
def run_folder() -> Iterator[Path]:
    """The grading's own folder (root-only under full containment), removed afterwards.

    `CLASSROOM_KEEP_RUN=DIR` moves it into DIR instead, to look at what a submission did
    (the grader's own tests read what hostile payloads left in their folders)."""
    work = Path(tempfile.mkdtemp(prefix="classroom-grade-"))
    watchdog.watch_folder(work)  # removed even if the grader is killed outright
    try:
        yield work
    finally:
        keep = os.environ.get("CLASSROOM_KEEP_RUN")
        if keep:
            Path(keep).mkdir(parents=True, exist_ok=True)
            shutil.move(work, Path(keep) / work.name)
        else:
            shutil.rmtree(work, ignore_errors=True)
        watchdog.forget_folder(work)


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
    ctx = dataclasses.replace(ctx, env=env)
    results = [installed]
    wanted = [
        (s, s.run) for s in registry.stages() if s.run is not None and _configured(ctx, s.name)
    ]
    together = [(stage, run) for stage, run in wanted if stage.concurrent]
    with ThreadPoolExecutor(max_workers=len(together) or 1) as pool:
        try:
            futures = [pool.submit(_one, ctx, s, _runner(run), skip) for s, run in together]
            results += [future.result() for future in futures]
        except BaseException:
            # Interrupted while the stages run in their threads (the first may be running as
            # the last is submitted): stop their commands now, or leaving this block waits
            # for each stage to run to its own end first.
            abort_everything()
            raise
    # Stages that do not share the machine (load: its figures must be fair) run alone after.
    alone = [(stage, run) for stage, run in wanted if not stage.concurrent]
    results += [_one(ctx, stage, _runner(run), skip) for stage, run in alone]
    return ordered(results), env.python if env else None


def _runner(path: str) -> StageRunner:
    """The function a stage's `run` names ("graders.stages.load:run")."""
    module, _, name = path.partition(":")
    found: StageRunner = getattr(importlib.import_module(module), name)
    return found


def _configured(ctx: StageContext, name: StageName) -> bool:
    return ctx.assignment.spec.stages.configured(name)


def _one(
    ctx: StageContext, stage: Stage, runner: StageRunner, skip: Collection[StageName]
) -> StageResult:
    """One stage, turned into a result whatever happens (a grader bug included)."""
    started, name = time.monotonic(), stage.name
    points = ctx.assignment.spec.stages.points(name)
    if name in skip:
        return result(
            name, "skipped", 0, points, started, "skipped on request (--skip)",
            cause="skipped-on-request",
        )  # fmt: skip
    if stage.needs_environment and ctx.env is None:
        return result(
            name,
            "error",
            0,
            points,
            started,
            "could not run: the submission's dependencies did not install",
            cause="not-installed",
        )
    try:
        return runner(ctx)
    except Aborted:
        raise
    except Exception as exc:
        log = write_crash_log(exc)
        return result(
            name, "error", 0, points, started, f"{GRADER_BUG}; details in {log})",
            cause="grader-bug",
        )  # fmt: skip
