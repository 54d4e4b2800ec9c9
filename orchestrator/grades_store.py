"""The grades store: every graded submission, one JSON-lines file per learner per assignment.

Layout, inside the course repository::

    grades/<assignment-slug>/<learner-login>.jsonl

One line per graded commit, keys sorted, lines in grading order, so a new push is a one-line
diff in git and the whole history stays readable with `git log -p`. `classroom collect`
writes it (`record_submission`); the dashboard reads it (`load_store`).
"""

from __future__ import annotations

import gc
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from graders.assignment import StageName
from graders.errors import UserError
from graders.report import GradeReport, StageResult, Status, ordered

STORE_DIR = "grades"
LOGIN_PATTERN = r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$"
SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]*$"

Login = Annotated[str, Field(pattern=LOGIN_PATTERN)]
Slug = Annotated[str, Field(pattern=SLUG_PATTERN)]
# Links end up in the dashboard's href attributes: web addresses only, never `javascript:`.
WebUrl = Annotated[str, Field(pattern=r"^(https?://\S+)?$")]


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StageRecord(_Record):
    """How one stage of a graded submission ended, and which of its checks failed."""

    name: StageName
    status: Status
    score: float
    max_score: float
    failed_checks: tuple[str, ...] = ()


class GradedSubmission(_Record):
    """One graded commit of one learner on one assignment: a line of the store."""

    learner: Login
    assignment: Slug
    commit: str
    graded_at: AwareDatetime
    tier: Literal["practice", "official"] = "official"
    score: float
    max_score: float
    stages: tuple[StageRecord, ...]
    repo_url: WebUrl = ""
    pr_url: WebUrl = ""
    comment_url: WebUrl = ""
    grader_version: str = ""

    @property
    def percent(self) -> float:
        return 100.0 * self.score / self.max_score if self.max_score else 0.0

    @cached_property
    def failed_checks(self) -> tuple[tuple[StageName, str], ...]:
        """(stage, check) for every check this submission failed, in stage order."""
        return tuple((s.name, check) for s in self.stages for check in s.failed_checks)

    def stage(self, name: StageName) -> StageRecord | None:
        """The record of stage `name`, if the report had it."""
        return next((s for s in self.stages if s.name == name), None)


def submission_from_report(
    report: GradeReport,
    *,
    learner: str,
    graded_at: datetime | None = None,
    repo_url: str = "",
    pr_url: str = "",
    comment_url: str = "",
) -> GradedSubmission:
    """The store's record of `report`, a grade of `learner`'s commit."""
    if not report.submission.commit:
        raise UserError(
            f"the grade report for {learner} on {report.assignment} names no commit; "
            "grade with `classroom grade --commit SHA` so the store can keep history"
        )
    return GradedSubmission(
        learner=learner,
        assignment=report.assignment,
        commit=report.submission.commit,
        graded_at=graded_at or report.started_at,
        tier=report.tier,
        score=report.score,
        max_score=report.max_score,
        stages=tuple(_stage_record(stage) for stage in ordered(report.stages)),
        repo_url=repo_url,
        pr_url=pr_url,
        comment_url=comment_url,
        grader_version=report.grader_version,
    )


def _stage_record(stage: StageResult) -> StageRecord:
    failed = [c.name for c in stage.checks if c.status in ("failed", "error")]
    if not stage.checks:  # lint and types report findings, not checks: one entry per rule
        failed = sorted({f"{f.tool} {f.rule}" for f in stage.findings})
    return StageRecord(
        name=stage.name,
        status=stage.status,
        score=stage.score,
        max_score=stage.max_score,
        failed_checks=tuple(failed),
    )


def format_line(submission: GradedSubmission) -> str:
    """One store line: sorted keys, stable formatting, no trailing newline."""
    return json.dumps(submission.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)


def store_path(course: Path, assignment: str, learner: str) -> Path:
    """Where the history of `learner` on `assignment` lives."""
    return course / STORE_DIR / assignment / f"{learner}.jsonl"


def record_submission(course: Path, submission: GradedSubmission) -> bool:
    """Add `submission` to the store under `course`; False if that exact grade was already there."""
    path = store_path(course, submission.assignment, submission.learner)
    history = list(read_history(path)) if path.exists() else []
    if submission in history:
        return False
    history.append(submission)
    history.sort(key=lambda s: (s.graded_at, s.commit))
    _write_atomically(path, "".join(format_line(s) + "\n" for s in history))
    return True


def write_histories(course: Path, submissions: Iterable[GradedSubmission]) -> int:
    """Write whole histories at once (synthetic classes, imports); returns the files written."""
    grouped: dict[tuple[str, str], list[GradedSubmission]] = {}
    for sub in submissions:
        grouped.setdefault((sub.assignment, sub.learner), []).append(sub)
    for (assignment, learner), history in grouped.items():
        history.sort(key=lambda s: (s.graded_at, s.commit))
        path = store_path(course, assignment, learner)
        _write_atomically(path, "".join(format_line(s) + "\n" for s in history))
    return len(grouped)


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
        out.write(text)
    Path(tmp).replace(path)


def read_history(path: Path) -> Iterator[GradedSubmission]:
    """Every submission in one store file, checked against the file's place in the store."""
    assignment, learner = path.parent.name, path.stem
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            sub = _parse_line(path, number, line)
            if (sub.assignment, sub.learner) != (assignment, learner):
                right = store_path(Path(), sub.assignment, sub.learner)
                raise UserError(
                    f"{path}:{number}: holds {sub.learner} on {sub.assignment}; "
                    f"move that line to {right}"
                )
            yield sub


def _parse_line(path: Path, number: int, line: str) -> GradedSubmission:
    try:
        return GradedSubmission.model_validate_json(line)
    except ValidationError as exc:
        problem = exc.errors()[0]
        where = ".".join(str(p) for p in problem["loc"]) or "(line)"
        raise UserError(
            f"{path}:{number}: {where}: {problem['msg']}; fix or delete that line "
            "(git log -p shows who wrote it)"
        ) from exc


@dataclass(frozen=True)
class GradesStore:
    """The whole store: each learner's history per assignment, oldest first."""

    histories: dict[tuple[str, str], tuple[GradedSubmission, ...]] = field(default_factory=dict)

    def history(self, assignment: str, learner: str) -> tuple[GradedSubmission, ...]:
        """`learner`'s graded submissions on `assignment`, oldest first (empty if none)."""
        return self.histories.get((assignment, learner), ())

    @property
    def assignments(self) -> list[str]:
        return sorted({a for a, _ in self.histories})

    @property
    def learners(self) -> list[str]:
        return sorted({learner for _, learner in self.histories}, key=str.lower)

    def __len__(self) -> int:
        return sum(len(h) for h in self.histories.values())


def store_from_submissions(submissions: Iterable[GradedSubmission]) -> GradesStore:
    """A store held in memory (a synthetic class), grouped and ordered like one on disk."""
    grouped: dict[tuple[str, str], list[GradedSubmission]] = {}
    for sub in submissions:
        grouped.setdefault((sub.assignment, sub.learner), []).append(sub)
    return GradesStore(
        {
            key: tuple(sorted(subs, key=lambda s: (s.graded_at, s.commit)))
            for key, subs in sorted(grouped.items())
        }
    )


def load_store(course: Path) -> GradesStore:
    """Read every history under `course/grades/`; an absent store is an empty one."""
    root = course / STORE_DIR
    if not root.is_dir():
        return GradesStore()
    histories = {}
    with collector_paused():
        for path in sorted(root.glob("*/*.jsonl")):
            history = tuple(sorted(read_history(path), key=lambda s: (s.graded_at, s.commit)))
            if history:
                histories[(path.parent.name, path.stem)] = history
    return GradesStore(histories)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a large class is loaded or rendered.

    Both create hundreds of thousands of objects and no garbage cycles worth collecting; the
    collector would rescan the whole class again and again (measured on 45,000 pushes:
    loading took 6.5 s with it, 0.7 s without). On the way out the objects made meanwhile
    are frozen (`gc.freeze`): the loaded class lives on, rendered pages are freed by reference
    counting, and one more scan of everything would cost another 0.5 s.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()
