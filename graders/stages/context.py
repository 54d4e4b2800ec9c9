"""What every stage receives: the assignment, the submission, the run's folders and limits."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from basis.procs import Limits
from graders.model.assignment import LoadedAssignment
from graders.model.report import StageResult, Status
from graders.running.process import Untrusted
from graders.stages.registry import StageName


@dataclass(frozen=True)
class SubmissionEnv:
    """The isolated environment the install stage built for the submission."""

    python: Path
    reused: bool = False  # from the cache, built for an earlier grading (not for this one)

    @property
    def bin(self) -> Path:
        return self.python.parent

    @property
    def root(self) -> Path:
        return self.python.parent.parent

    @property
    def interpreter_prefix(self) -> Path:
        """Where the interpreter this environment was made from lives (`<prefix>/bin/python`)."""
        return Path(os.path.realpath(self.python)).parent.parent


@dataclass(frozen=True)
class StageContext:
    assignment: LoadedAssignment
    submission: Path
    work: Path
    hidden_tests: Path | None
    env: SubmissionEnv | None
    uid: int | None = None  # this grading's own sandbox uid (None: the machine cannot switch)
    official: bool = False  # the official grade (the hidden material may be reported in full)

    def limits(self, stage: StageName) -> Limits:
        resolved = self.assignment.spec.limits_for(stage)
        return Limits(
            timeout_seconds=resolved.timeout_seconds,
            output_bytes=resolved.output_kb * 1024,
            memory_mb=resolved.memory_mb,
            max_processes=resolved.max_processes,
        )

    def untrusted(
        self, *writable: Path, netns: Path | None = None, readable: tuple[Path, ...] = ()
    ) -> Untrusted:
        """Containment for learner code that writes only `writable` and reads its env (and
        the grader's own `readable` folders)."""
        env = (self.env.root, self.env.interpreter_prefix) if self.env else ()
        return Untrusted(uid=self.uid, writable=writable, readable=(*env, *readable), netns=netns)


def result(
    name: StageName,
    status: Status,
    score: float,
    max_score: float,
    started: float,
    message: str,
    **details: object,
) -> StageResult:
    """A StageResult with the duration measured from `started` (time.monotonic())."""
    return StageResult.model_validate(
        {
            "name": name,
            "status": status,
            "score": round(max(0.0, min(score, max_score)), 2),
            "max_score": max_score,
            "duration_seconds": round(time.monotonic() - started, 2),
            "message": message,
            **details,
        }
    )


def services_unavailable(
    name: StageName, exc: Exception, max_score: float, started: float
) -> StageResult:
    """The stage could not run: a database of `[app.services]` cannot start on this machine."""
    return result(name, "error", 0, max_score, started, str(exc), cause="services-unavailable")


StageRunner = Callable[[StageContext], StageResult]
