"""The roster CSV: one learner per row, checked row by row with line numbers."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from basis.errors import UserError

HEADER = ("github_username", "name", "email", "section", "team")
OPTIONAL = ("sis_id",)  # the school's student id (SIS), for gradebook exports
LOGIN_PATTERN = r"^[A-Za-z0-9](?:-?[A-Za-z0-9])*$"
TEAM_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9 ._-]{0,99}$"
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class Learner(BaseModel):
    """One roster row."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    github_username: Annotated[str, Field(pattern=LOGIN_PATTERN, max_length=39)]
    name: Annotated[str, Field(min_length=1)]
    email: Annotated[str, Field(pattern=EMAIL.pattern)]
    section: str = ""
    team: Annotated[str, Field(pattern=TEAM_PATTERN)] | None = None
    sis_id: str = ""
    line: int = 0

    @property
    def login(self) -> str:
        return self.github_username

    @property
    def identifier(self) -> str:
        """What GitHub Classroom's grade export calls `roster_identifier`."""
        return self.email


@dataclass(frozen=True)
class Problem:
    """One bad row (or the header): where it is and what to do."""

    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.field}: {self.message}"


@dataclass(frozen=True)
class Roster:
    """The learners in file order, and every problem found while reading them."""

    path: Path
    learners: tuple[Learner, ...]
    problems: tuple[Problem, ...] = ()

    def require_valid(self) -> Roster:
        """Self when clean; a UserError listing every problem otherwise."""
        if self.problems:
            raise UserError(format_problems(self.path, self.problems))
        return self

    def select(self, only: Iterable[str]) -> tuple[Learner, ...]:
        """The learners named in `only` (all when empty); unknown names are a UserError."""
        wanted = {name.lower() for name in only}
        if not wanted:
            return self.learners
        known = {learner.login.lower() for learner in self.learners}
        missing = sorted(wanted - known)
        if missing:
            raise UserError(f"{self.path}: not on the roster: {', '.join(missing)}")
        return tuple(x for x in self.learners if x.login.lower() in wanted)


def format_problems(path: Path, problems: Iterable[Problem]) -> str:
    """Every problem as `file:line: field: message`, then what to do."""
    lines = [f"{path}:{p.line}: {p.field}: {p.message}" for p in problems]
    return "\n".join(lines) + f"\nfix these rows of {path.name}, then run `classroom roster check`"


def load_roster(path: Path) -> Roster:
    """Read and check the roster (offline checks only; `check_accounts` asks GitHub)."""
    if not path.is_file():
        raise UserError(f"{path}: no roster; write one with the header {','.join(HEADER)}")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    header = tuple(cell.strip() for cell in rows[0]) if rows else ()
    if header not in (HEADER, HEADER + OPTIONAL):
        found = ",".join(rows[0]) if rows else "(empty file)"
        want = f"{','.join(HEADER)} (and optionally ,{','.join(OPTIONAL)})"
        problem = Problem(1, "header", f"expected {want}, found {found}")
        return Roster(path, (), (problem,))
    learners: list[Learner] = []
    problems: list[Problem] = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        learner, row_problems = _parse_row(number, row, header)
        problems.extend(row_problems)
        if learner:
            learners.append(learner)
    problems.extend(_duplicates(learners))
    return Roster(path, tuple(learners), tuple(sorted(problems, key=lambda p: p.line)))


def _parse_row(
    number: int, row: list[str], header: tuple[str, ...] = HEADER
) -> tuple[Learner | None, list[Problem]]:
    if not len(HEADER) <= len(row) <= len(header):  # an optional cell may be left off
        return None, [Problem(number, "row", f"has {len(row)} cells, expected {len(header)}")]
    row = row + [""] * (len(header) - len(row))
    values: dict[str, object] = {k: v.strip() for k, v in zip(header, row, strict=True)}
    values["team"] = values["team"] or None
    try:
        return Learner.model_validate({**values, "line": number}), []
    except ValidationError as exc:
        return None, [
            Problem(number, str(error["loc"][0]), _friendly(str(error["loc"][0]), error["msg"]))
            for error in exc.errors()
        ]


def _friendly(field: str, message: str) -> str:
    fixes = {
        "github_username": "not a GitHub username (letters, digits, single hyphens, ≤ 39)",
        "email": "not an email address",
        "name": "empty; write the learner's name",
        "team": "team names use letters, digits, spaces, '.', '_' and '-'",
    }
    return fixes.get(field, message)


def _duplicates(learners: list[Learner]) -> list[Problem]:
    problems = []
    seen: dict[str, Learner] = {}
    for learner in learners:
        key = learner.login.lower()
        first = seen.setdefault(key, learner)
        if first is learner:
            continue
        where = f"line {first.line}"
        if (first.team or "") != (learner.team or ""):
            message = f"{learner.login} is already in team '{first.team or '(none)'}' on {where}"
        else:
            message = f"{learner.login} is already on {where}"
        problems.append(Problem(learner.line, "github_username", message))
    return problems


def check_accounts(roster: Roster, exists: Callable[[str], bool]) -> Roster:
    """The roster with a problem for every username GitHub does not know."""
    unknown = [
        Problem(x.line, "github_username", f"GitHub knows no user {x.login}; ask for the right one")
        for x in roster.learners
        if not exists(x.login)
    ]
    problems = sorted((*roster.problems, *unknown), key=lambda p: p.line)
    return Roster(roster.path, roster.learners, tuple(problems))


def write_roster(path: Path, learners: Iterable[Learner]) -> None:
    """Write learners as a roster CSV (used by `init` and tests)."""
    people = list(learners)
    sis = any(x.sis_id for x in people)
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(HEADER + OPTIONAL if sis else HEADER)
        for x in people:
            row = [x.github_username, x.name, x.email, x.section, x.team or ""]
            out.writerow([*row, x.sis_id] if sis else row)


def roster_line(learner: Learner) -> str:
    """One learner as a roster row (a line of CSV, with its newline)."""
    out = io.StringIO()
    row = [learner.github_username, learner.name, learner.email, learner.section, learner.team]
    csv.writer(out, lineterminator="\n").writerow([cell or "" for cell in row])
    return out.getvalue()


def _logins(text: str) -> set[str]:
    rows = list(csv.reader(io.StringIO(text)))[1:]
    return {row[0].strip().lower() for row in rows if row and row[0].strip()}


def with_learner(text: str, learner: Learner) -> str | None:
    """The roster text with `learner` appended; None when their login is on it already."""
    if learner.login.lower() in _logins(text):
        return None
    return (text if not text or text.endswith("\n") else text + "\n") + roster_line(learner)


def missing_from(roster: str, other: str) -> list[str]:
    """The logins of `other` (roster text) that `roster` lacks, in `other`'s order."""
    known = _logins(roster)
    rows = list(csv.reader(io.StringIO(other)))[1:]
    return [row[0].strip() for row in rows if row and row[0].strip().lower() not in known]
