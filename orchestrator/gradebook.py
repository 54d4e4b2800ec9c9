"""Grades as the school's gradebook imports them: Canvas, Moodle, or a plain CSV. Pure.

- **Canvas** (Grades > Import, "How do I import grades in the Gradebook?"): the columns of
  Canvas's own export, `Student, ID, SIS User ID, SIS Login ID, Section`, then one column
  per assignment, and a second row `Points Possible`. Canvas finds each student by `ID`, else
  `SIS User ID`, else `SIS Login ID`; we leave `ID` (Canvas's own number) empty and fill the
  SIS User ID from the roster's `sis_id` and the SIS Login ID with the email. An assignment
  column is matched by name (a new name creates the assignment). Canvas imports scores only,
  so the feedback link and the late penalty go in the plain CSV.
- **Moodle** (Grades > Import > CSV file): a header row, an identifier column mapped to a user
  field (`Email address` to email, or `ID number` to ID number), and per assignment a grade
  column (`Assignment: TITLE (Real)`, as Moodle's own export names it) and a feedback column
  that the import maps to that item's feedback: the tier, the late penalty, the link.
- **csv**: one row per learner and assignment, with everything above.

Points are the grade that counts (official first), after the late penalty when there is one;
an empty cell is a grade not given, never a 0. A learner that cannot be matched (not on the
roster, or without the identifier chosen) keeps their row, with that identifier empty: each
gradebook lists such rows as unmatched in its import preview, and `unmatched` lists them too.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

Format = Literal["canvas", "moodle", "csv"]
Match = Literal["email", "sis"]

CANVAS_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
CANVAS_POINTS = "    Points Possible"  # how Canvas's export writes its second row
MOODLE_COLUMNS = ("First name", "Last name", "ID number", "Email address")
PLAIN_COLUMNS = (
    "github_username",
    "name",
    "email",
    "sis_id",
    "section",
    "assignment",
    "points",
    "points_available",
    "late_penalty",
    "tier",
    "feedback_url",
    "matched",
)


@dataclass(frozen=True)
class Person:
    """A learner as the gradebook knows them (`on_roster` False: only the store knows them)."""

    login: str
    name: str
    email: str = ""
    sis_id: str = ""
    section: str = ""
    on_roster: bool = True


@dataclass(frozen=True)
class Mark:
    """The grade that counts for one learner on one assignment."""

    points: float  # after the late penalty
    max_points: float
    tier: str  # official, practice
    penalty: float = 0.0  # points the late policy took
    feedback_url: str = ""


@dataclass(frozen=True)
class Item:
    """One assignment as a gradebook column."""

    slug: str
    title: str
    max_points: float


@dataclass(frozen=True)
class Sheet:
    """Everyone, every assignment, and the marks given (login, slug) -> Mark."""

    people: tuple[Person, ...]
    items: tuple[Item, ...]
    marks: dict[tuple[str, str], Mark] = field(default_factory=dict)


def matched(person: Person, match: Match) -> bool:
    """Whether the gradebook can find `person` by the chosen identifier."""
    return person.on_roster and bool(person.email if match == "email" else person.sis_id)


def unmatched(sheet: Sheet, match: Match) -> list[Person]:
    """The learners the gradebook cannot find: their rows are kept, and listed here."""
    return [p for p in sheet.people if not matched(p, match)]


def render(sheet: Sheet, fmt: Format, match: Match) -> str:
    """The file for `fmt`, as text (UTF-8 when written)."""
    rows = {"canvas": _canvas, "moodle": _moodle, "csv": _plain}[fmt](sheet, match)
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n" if fmt == "canvas" else "\n").writerows(rows)
    return out.getvalue()


def _points(mark: Mark | None) -> str:
    return f"{mark.points:g}" if mark is not None else ""


def sortable(name: str) -> str:
    """'Ada Lovelace' as Canvas's Student column writes it: 'Lovelace, Ada'."""
    first, last = split_name(name)
    return f"{last}, {first}" if first and last else name


def split_name(name: str) -> tuple[str, str]:
    """(first name, last name): the last word is the last name."""
    words = name.split()
    if len(words) < 2:
        return name.strip(), ""
    return " ".join(words[:-1]), words[-1]


def _canvas(sheet: Sheet, match: Match) -> list[list[str]]:
    del match  # Canvas takes whichever identifier is filled
    rows = [[*CANVAS_COLUMNS, *(item.title for item in sheet.items)]]
    rows.append([CANVAS_POINTS, "", "", "", "", *(f"{i.max_points:g}" for i in sheet.items)])
    for person in sheet.people:
        ids = [person.sis_id, person.email] if person.on_roster else ["", ""]
        marks = [_points(sheet.marks.get((person.login, i.slug))) for i in sheet.items]
        rows.append([sortable(person.name), "", *ids, person.section, *marks])
    return rows


def _moodle(sheet: Sheet, match: Match) -> list[list[str]]:
    del match  # the import's mapping step chooses the identifier column
    head = list(MOODLE_COLUMNS)
    for item in sheet.items:
        head += [f"Assignment: {item.title} (Real)", f"Assignment: {item.title} (Feedback)"]
    rows = [head]
    for person in sheet.people:
        first, last = split_name(person.name)
        ids = [person.sis_id, person.email] if person.on_roster else ["", ""]
        row = [first, last, *ids]
        for item in sheet.items:
            mark = sheet.marks.get((person.login, item.slug))
            row += [_points(mark), feedback_text(mark)]
        rows.append(row)
    return rows


def feedback_text(mark: Mark | None) -> str:
    """The feedback cell: which grade this is, the late penalty, and where the feedback is."""
    if mark is None:
        return ""
    parts = [f"{mark.tier} grade"]
    if mark.penalty:
        parts.append(f"late penalty -{mark.penalty:g} points")
    if mark.feedback_url:
        parts.append(f"feedback: {mark.feedback_url}")
    return "; ".join(parts)


def _plain(sheet: Sheet, match: Match) -> list[list[str]]:
    rows = [list(PLAIN_COLUMNS)]
    for person in sheet.people:
        for item in sheet.items:
            mark = sheet.marks.get((person.login, item.slug))
            rows.append(
                [
                    person.login,
                    person.name,
                    person.email,
                    person.sis_id,
                    person.section,
                    item.slug,
                    _points(mark),
                    f"{item.max_points:g}",
                    f"{mark.penalty:g}" if mark else "",
                    mark.tier if mark else "",
                    mark.feedback_url if mark else "",
                    "yes" if matched(person, match) else "no",
                ]
            )
    return rows


def people_of(roster: Sequence[Person], graded: Sequence[str]) -> tuple[Person, ...]:
    """The roster, then everyone graded who is not on it (by login), so nobody is dropped."""
    known = {p.login.lower() for p in roster}
    extra = sorted({g for g in graded if g.lower() not in known}, key=str.lower)
    return (*roster, *(Person(login, login, on_roster=False) for login in extra))
