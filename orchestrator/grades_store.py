"""The grades store: every graded submission, one JSON-lines file per learner per assignment.

Layout, inside the course repository::

    grades/<assignment-slug>/<learner-login>.jsonl

One line per graded commit, keys sorted, lines in grading order, so a new push is a one-line
diff in git and the whole history stays readable with `git log -p`. A line is either a grade
(`GradedSubmission`, of tier `practice` or `official`), an official grade that was attempted
but could not be given (`NotGraded`: it has a cause and no score, so it never reads as 0), or
an official run's finding that a learner had no submission at their deadline (`NoSubmission`:
a result that reads as 0 and says why, unless later work is graded and accepted); the lines
are `orchestrator.store_lines`. `classroom collect` and the official workflow's record job
write it (`record_lines`); the dashboard reads it (`load_store`). Lines already in a file are
written back byte for byte, so a store written by an older version stays as it was when a
grade is added.
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
from pathlib import Path

from pydantic import ValidationError

from basis.errors import UserError
from orchestrator.store_lines import (
    LOGIN_PATTERN,
    SLUG_PATTERN,
    GradedSubmission,
    Login,
    MilestoneRecord,
    NoSubmission,
    NotGraded,
    PutBack,
    Slug,
    StageRecord,
    StoreLine,
    Tier,
    WebUrl,
    format_line,
    moment,
    submission_from_report,
)

__all__ = [
    "LOGIN_PATTERN",
    "SLUG_PATTERN",
    "STORE_DIR",
    "GradedSubmission",
    "GradesStore",
    "Login",
    "MilestoneRecord",
    "NoSubmission",
    "NotGraded",
    "PutBack",
    "Slug",
    "StageRecord",
    "StoreLine",
    "Tier",
    "WebUrl",
    "collector_paused",
    "format_line",
    "load_store",
    "moment",
    "read_history",
    "read_lines",
    "record_lines",
    "record_submission",
    "store_from_submissions",
    "store_path",
    "submission_from_report",
    "write_histories",
]

STORE_DIR = "grades"


def _order(line: StoreLine) -> tuple[datetime, str]:
    return (moment(line), line.commit)


def store_path(course: Path, assignment: str, learner: str) -> Path:
    """Where the history of `learner` on `assignment` lives."""
    return course / STORE_DIR / assignment / f"{learner}.jsonl"


def record_submission(course: Path, line: StoreLine) -> bool:
    """Add `line` to the store under `course`; False if that exact line was already there."""
    return record_lines(course, [line]) == 1


def record_lines(course: Path, lines: Iterable[StoreLine]) -> int:
    """Add `lines` to the store, one write per file; returns how many were not there yet.

    The lines already in a file are kept as they are, byte for byte: a new grade is a
    one-line diff even in a file written by an older version (with fewer fields).
    """
    added = 0
    for (assignment, learner), new in _grouped(lines).items():
        path = store_path(course, assignment, learner)
        kept = list(read_lines(path)) if path.exists() else []
        known = {line for _, line in kept}
        fresh = [line for line in dict.fromkeys(new) if line not in known]
        if not fresh:
            continue
        rows = sorted([*kept, *((format_line(line), line) for line in fresh)],
                      key=lambda row: _order(row[1]))  # fmt: skip
        _write_atomically(path, "".join(text + "\n" for text, _ in rows))
        added += len(fresh)
    return added


def write_histories(course: Path, lines: Iterable[StoreLine]) -> int:
    """Write whole histories at once (synthetic classes, imports); returns the files written."""
    grouped = _grouped(lines)
    for (assignment, learner), history in grouped.items():
        history.sort(key=_order)
        path = store_path(course, assignment, learner)
        _write_atomically(path, "".join(format_line(line) + "\n" for line in history))
    return len(grouped)


def _grouped(lines: Iterable[StoreLine]) -> dict[tuple[str, str], list[StoreLine]]:
    grouped: dict[tuple[str, str], list[StoreLine]] = {}
    for line in lines:
        grouped.setdefault((line.assignment, line.learner), []).append(line)
    return grouped


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
        out.write(text)
    Path(tmp).replace(path)


def read_history(path: Path) -> Iterator[StoreLine]:
    """Every line of one store file, checked against the file's place in the store."""
    return (line for _, line in read_lines(path))


def read_lines(path: Path) -> Iterator[tuple[str, StoreLine]]:
    """Every line of one store file as (its text, what it says), in file order."""
    assignment, learner = path.parent.name, path.stem
    with path.open(encoding="utf-8") as lines:
        for number, text in enumerate(lines, start=1):
            if not text.strip():
                continue
            line = _parse_line(path, number, text)
            if (line.assignment, line.learner) != (assignment, learner):
                right = store_path(Path(), line.assignment, line.learner)
                raise UserError(
                    f"{path}:{number}: holds {line.learner} on {line.assignment}; "
                    f"move that line to {right}"
                )
            yield text.rstrip("\n"), line


def _parse_line(path: Path, number: int, text: str) -> StoreLine:
    try:  # nearly every line is a grade: try that first, it costs one validation
        return GradedSubmission.model_validate_json(text)
    except ValidationError as exc:
        error = exc
    for key, kind in (("not_graded", NotGraded), ("no_submission", NoSubmission)):
        if _names_key(text, key):
            try:
                return kind.model_validate_json(text)
            except ValidationError as exc:
                error = exc
    problem = error.errors()[0]
    where = ".".join(str(p) for p in problem["loc"]) or "(line)"
    raise UserError(
        f"{path}:{number}: {where}: {problem['msg']}; fix or delete that line "
        "(git log -p shows who wrote it)"
    ) from error


def _names_key(text: str, key: str) -> bool:
    """Whether `text` is a JSON object with `key` at its top level."""
    try:
        data = json.loads(text)
    except ValueError:
        return False
    return isinstance(data, dict) and key in data


@dataclass(frozen=True)
class GradesStore:
    """The whole store: each learner's grades per assignment, the official grades that could
    not be given, and the deadlines at which they had no submission, each oldest first."""

    histories: dict[tuple[str, str], tuple[GradedSubmission, ...]] = field(default_factory=dict)
    not_graded: dict[tuple[str, str], tuple[NotGraded, ...]] = field(default_factory=dict)
    absent: dict[tuple[str, str], tuple[NoSubmission, ...]] = field(default_factory=dict)

    def history(self, assignment: str, learner: str) -> tuple[GradedSubmission, ...]:
        """`learner`'s grades on `assignment`, both tiers, oldest first (empty if none)."""
        return self.histories.get((assignment, learner), ())

    def attempts(self, assignment: str, learner: str) -> tuple[NotGraded, ...]:
        """The official grades of `learner` on `assignment` that could not be given."""
        return self.not_graded.get((assignment, learner), ())

    def no_submission(self, assignment: str, learner: str) -> tuple[NoSubmission, ...]:
        """The official runs that found no submission of `learner` on `assignment`."""
        return self.absent.get((assignment, learner), ())

    @property
    def _keys(self) -> set[tuple[str, str]]:
        return set(self.histories) | set(self.not_graded) | set(self.absent)

    @property
    def assignments(self) -> list[str]:
        return sorted({a for a, _ in self._keys})

    @property
    def learners(self) -> list[str]:
        return sorted({login for _, login in self._keys}, key=str.lower)

    def __len__(self) -> int:
        """The grades held (lines that say "not graded" are not grades)."""
        return sum(len(h) for h in self.histories.values())


def store_from_submissions(lines: Iterable[StoreLine]) -> GradesStore:
    """A store held in memory (a synthetic class), grouped and ordered like one on disk."""
    return _store(sorted(_grouped(lines).items()))


def _store(grouped: Iterable[tuple[tuple[str, str], list[StoreLine]]]) -> GradesStore:
    histories, not_graded, absent = {}, {}, {}
    for key, lines in grouped:
        lines.sort(key=_order)
        graded = tuple(line for line in lines if isinstance(line, GradedSubmission))
        failed = tuple(line for line in lines if isinstance(line, NotGraded))
        missing = tuple(line for line in lines if isinstance(line, NoSubmission))
        if graded:
            histories[key] = graded
        if failed:
            not_graded[key] = failed
        if missing:
            absent[key] = missing
    return GradesStore(histories, not_graded, absent)


def load_store(course: Path, assignment: str | None = None) -> GradesStore:
    """Read every history under `course/grades/` (or only `assignment`'s); none is empty."""
    root = course / STORE_DIR
    if not root.is_dir():
        return GradesStore()
    pattern = f"{assignment}/*.jsonl" if assignment else "*/*.jsonl"
    with collector_paused():
        grouped = [
            ((path.parent.name, path.stem), list(read_history(path)))
            for path in sorted(root.glob(pattern))
        ]
        return _store(grouped)


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
