"""classroom export: files each gradebook's import accepts, checked against its documented
layout, with names that break naive CSV (commas, quotes, non-ASCII letters)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rich.console import Console

from classroom.cli import main
from orchestrator.commands.export import export, mark_of
from orchestrator.commands.init import init
from orchestrator.course import CourseDir, load_course
from orchestrator.deadlines import LateResult
from orchestrator.gradebook import (
    CANVAS_COLUMNS,
    CANVAS_POINTS,
    MOODLE_COLUMNS,
    PLAIN_COLUMNS,
    feedback_text,
    sortable,
)
from orchestrator.grades_store import GradedSubmission, StageRecord, record_submission
from orchestrator.standing import Standing
from orchestrator.store_lines import NoSubmission

ROSTER = """github_username,name,email,section,team,sis_id
ada,Ada Lovelace,ada@example.edu,A,,S-001
zoe,"Zoë ""Zee"" Ångström",zoe@example.edu,"B, evening",,S-002
jose,"José María O'Neil, Jr.",jose@example.edu,A,,
"""
NOW = datetime(2030, 1, 5, tzinfo=UTC)


def grade(login: str, score: float, tier: str = "practice", **more: object) -> GradedSubmission:
    return GradedSubmission(
        learner=login,
        assignment="tasks-api",
        commit="a" * 40,
        graded_at=more.pop("graded_at", NOW),  # type: ignore[arg-type]
        tier=tier,  # type: ignore[arg-type]
        score=score,
        max_score=100,
        stages=(StageRecord(name="tests", status="passed", score=score, max_score=100),),
        **more,  # type: ignore[arg-type]
    )


@pytest.fixture
def course(tmp_path: Path) -> CourseDir:
    init(tmp_path / "c", org="school", api_url="http://127.0.0.1:1")
    root = tmp_path / "c"
    (root / "roster.csv").write_text(ROSTER, encoding="utf-8")
    url = "https://github.com/school/tasks-api-ada"
    record_submission(root, grade("ada", 90, comment_url=f"{url}/pull/1#issuecomment-1"))
    official = grade("ada", 70, "official", graded_at=datetime(2030, 1, 4, tzinfo=UTC))
    record_submission(root, official.model_copy(update={"comment_url": f"{url}/issues/1#c-2"}))
    record_submission(root, grade("zoe", 55.5, repo_url="https://github.com/school/z"))
    record_submission(root, grade("ghost", 40))  # graded, then taken off the roster
    return load_course(root)


def run(course: CourseDir, fmt: str, match: str = "email") -> tuple[list[list[str]], str, bytes]:
    console = Console(file=io.StringIO(), width=200)
    out = course.root / f"out-{fmt}.csv"
    export(course, ["tasks-api"], fmt=fmt, out=out, match=match, console=console)  # type: ignore[arg-type]
    raw = out.read_bytes()
    assert isinstance(console.file, io.StringIO)
    return (
        list(csv.reader(io.StringIO(raw.decode("utf-8"), newline=""))),
        console.file.getvalue(),
        raw,
    )


def check_canvas(rows: list[list[str]]) -> None:
    """Canvas's documented import layout: its five student columns, then assignments; an
    optional second row `Points Possible`; numbers or empty cells for scores."""
    assert tuple(rows[0][:5]) == CANVAS_COLUMNS and len(rows[0]) > 5
    assert rows[1][0] == CANVAS_POINTS and rows[1][1:5] == ["", "", "", ""]
    for row in rows[1:]:
        assert len(row) == len(rows[0])
        for cell in row[5:]:
            assert cell == "" or float(cell) >= 0


def check_moodle(rows: list[list[str]]) -> None:
    """Moodle's CSV import: one header row, a user identifier column to map (email or ID
    number), grade columns with numbers or nothing, feedback columns mapped to their item."""
    head = rows[0]
    assert tuple(head[:4]) == MOODLE_COLUMNS
    grades = [i for i, h in enumerate(head) if h.endswith("(Real)")]
    feedback = [i for i, h in enumerate(head) if h.endswith("(Feedback)")]
    assert grades and [i + 1 for i in grades] == feedback
    for row in rows[1:]:
        assert len(row) == len(head)
        assert all(row[i] == "" or float(row[i]) >= 0 for i in grades)


def test_canvas_gets_its_columns_the_official_grade_and_everyone(course: CourseDir) -> None:
    rows, printed, raw = run(course, "canvas")
    check_canvas(rows)
    assert rows[0][5] == "Tasks API"
    by_login = {row[3]: row for row in rows[2:]}
    assert by_login["ada@example.edu"] == [
        "Lovelace, Ada",
        "",
        "S-001",
        "ada@example.edu",
        "A",
        "70",
    ]
    zoe = by_login["zoe@example.edu"]
    assert zoe[0] == 'Ångström, Zoë "Zee"' and zoe[4] == "B, evening" and zoe[5] == "55.5"
    assert by_login["jose@example.edu"][5] == ""  # no grade: empty, never 0
    assert ["ghost", "", "", "", "", "40"] in rows  # not on the roster: kept, ids empty
    assert "1 learner(s) the gradebook cannot match by email" in printed
    assert "ghost (ghost): not on the roster" in printed
    assert '"Ångström, Zoë ""Zee"""'.encode() in raw  # quoted as CSV must, UTF-8


def test_matching_by_sis_id_lists_those_without_one(course: CourseDir) -> None:
    _, printed, _ = run(course, "canvas", match="sis")
    assert "2 learner(s) the gradebook cannot match by sis_id" in printed
    assert "jose (José María O'Neil, Jr.): no sis_id on the roster" in printed


def test_moodle_gets_names_split_ids_and_feedback_with_the_link(course: CourseDir) -> None:
    rows, _, _ = run(course, "moodle")
    check_moodle(rows)
    assert rows[0][4:] == ["Assignment: Tasks API (Real)", "Assignment: Tasks API (Feedback)"]
    ada = next(r for r in rows if r[3] == "ada@example.edu")
    assert ada[:5] == ["Ada", "Lovelace", "S-001", "ada@example.edu", "70"]
    assert (
        ada[5] == "official grade; feedback: https://github.com/school/tasks-api-ada/issues/1#c-2"
    )
    jose = next(r for r in rows if r[3] == "jose@example.edu")
    assert jose[:2] == ["José María O'Neil,", "Jr."] and jose[4:] == ["", ""]


def test_the_plain_csv_has_one_row_per_learner_and_assignment(course: CourseDir) -> None:
    rows, _, _ = run(course, "csv")
    assert tuple(rows[0]) == PLAIN_COLUMNS
    plain = {r[0]: dict(zip(PLAIN_COLUMNS, r, strict=True)) for r in rows[1:]}
    assert plain["ada"]["tier"] == "official" and plain["ada"]["points"] == "70"
    assert plain["ghost"]["matched"] == "no" and plain["zoe"]["matched"] == "yes"
    assert plain["zoe"]["feedback_url"] == "https://github.com/school/z"


def test_the_late_penalty_comes_off_the_points_and_is_said() -> None:
    official = grade("ada", 80, "official")
    late = LateResult(80, 100, 1, 0, 1, 12.5, 67.5, "late")
    mark = mark_of(Standing(official, late=late))
    assert mark is not None and (mark.points, mark.penalty) == (67.5, 12.5)
    assert feedback_text(mark) == "official grade; late penalty -12.5 points"
    assert mark_of(Standing(None)) is None


def test_no_submission_is_an_official_zero() -> None:
    missing = NoSubmission(
        learner="ada",
        assignment="tasks-api",
        recorded_at=datetime(2026, 12, 1, tzinfo=UTC),
        checked_at=datetime(2026, 12, 1, tzinfo=UTC),
        deadline=datetime(2026, 12, 1, tzinfo=UTC),
        repo_url="https://github.com/school/tasks-api-ada",
    )
    mark = mark_of(Standing(None, no_submission=missing))
    assert mark is not None and (mark.points, mark.tier) == (0.0, "official")
    assert mark.feedback_url == "https://github.com/school/tasks-api-ada"


def test_canvas_names_are_last_comma_first() -> None:
    assert sortable("Ada Lovelace") == "Lovelace, Ada"
    assert sortable("Plato") == "Plato"


def test_export_runs_from_the_command_line(
    course: CourseDir, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["export", "--format", "moodle", "tasks-api", "--course", str(course.root)])
    assert code == 0
    assert (course.root / "moodle-grades.csv").is_file()
    assert "ghost" in capsys.readouterr().out


def test_the_roster_takes_an_optional_sis_id_column_and_keeps_it(tmp_path: Path) -> None:
    from orchestrator.roster import load_roster, with_learner, write_roster

    path = tmp_path / "roster.csv"
    path.write_text(ROSTER, encoding="utf-8")
    roster = load_roster(path).require_valid()
    assert [x.sis_id for x in roster.learners] == ["S-001", "S-002", ""]
    joined = with_learner(
        path.read_text(encoding="utf-8"),
        roster.learners[0].model_copy(update={"github_username": "new-one", "sis_id": ""}),
    )
    assert joined is not None
    path.write_text(joined, encoding="utf-8")  # the front desk appends a five-cell row
    assert len(load_roster(path).require_valid().learners) == 4
    write_roster(tmp_path / "again.csv", roster.learners)
    assert load_roster(tmp_path / "again.csv").learners == roster.learners[:0] + tuple(
        x.model_copy(update={"line": i}) for i, x in enumerate(roster.learners, start=2)
    )
