"""`classroom deadlines` and the deadlines `classroom roster check` prints: offline, from
course.toml and the roster."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console

from classroom.cli import main
from orchestrator.commands.deadlines import deadlines
from orchestrator.commands.init import init
from orchestrator.commands.roster_check import roster_check
from orchestrator.course import load_course
from orchestrator.late_ledger import Graded, budget_left
from orchestrator.roster import Learner, write_roster

ASSIGNMENTS = """
[assignments.tasks-api.late]
penalty_per_day = 10
max_late_days = 2
[assignments.tasks-api.extensions]
ada = 2026-03-09T23:59:00-04:00
"""


@pytest.fixture
def course_dir(tmp_path: Path) -> Path:
    init(tmp_path, org="school")
    toml = tmp_path / "course.toml"
    text = toml.read_text()
    start = text.index("deadline = ")
    text = text[:start] + "deadline = 2026-03-07T23:59:00-05:00" + text[text.index("\n", start) :]
    text = text.replace('timezone = "UTC"', 'timezone = "America/New_York"')
    text = text.replace("late_days = 0", "late_days = 3")
    toml.write_text(text + ASSIGNMENTS)
    people = [Learner(github_username=x, name=x, email=f"{x}@example.edu") for x in ("ada", "bob")]
    write_roster(tmp_path / "roster.csv", people)
    return tmp_path


def printed(run: object) -> str:
    console = Console(file=io.StringIO(), width=240)
    assert callable(run)
    run(console)
    assert isinstance(console.file, io.StringIO)
    return console.file.getvalue()


def test_deadlines_prints_each_learner_s_deadline_in_both_zones_and_the_schedule(
    course_dir: Path,
) -> None:
    course = load_course(course_dir)
    out = printed(lambda c: deadlines(course, "tasks-api", console=c))
    ada = next(line for line in out.splitlines() if "│ ada" in line)
    assert "Mon 9 Mar 2026 23:59 UTC-4 (extended)" in ada and "2026-03-10 03:59 UTC" in ada
    bob = next(line for line in out.splitlines() if "│ bob" in line)
    # two late days of 24 h after 23:59 EST end at 00:59 EDT: the clocks went forward
    assert "Sat 7 Mar 2026 23:59 UTC-5" in bob and "Tue 10 Mar 2026 00:59 UTC-4" in bob
    assert bob.rstrip(" │").endswith("3")  # late days left: the whole budget
    assert "10% of full marks per day, up to 2 days" in out
    assert "end of late day 2 after the extension of ada" in out
    assert '- cron: "59 4 8 3 *"' in out  # 23:59 EST is 04:59 UTC


def test_deadlines_of_an_unknown_assignment_name_the_known_ones(
    course_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["deadlines", "nope", "--course", str(course_dir)]) == 2
    assert "known: tasks-api" in capsys.readouterr().err


def test_roster_check_prints_the_deadlines_and_flags_an_extension_for_a_stranger(
    course_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    course = load_course(course_dir)
    out = printed(lambda c: roster_check(course, None, console=c))
    assert "Mon 9 Mar 2026 23:59 UTC-4 *" in out and "Sat 7 Mar 2026 23:59 UTC-5" in out
    toml = course_dir / "course.toml"
    toml.write_text(toml.read_text().replace("ada = 2026", "adda = 2026"))
    assert main(["roster", "check", "--offline", "--course", str(course_dir)]) == 1
    err = capsys.readouterr().err
    assert "assignments.tasks-api.extensions: adda is not on the roster" in err


def test_the_budget_left_is_what_counted_late_grades_did_not_spend(course_dir: Path) -> None:
    course = load_course(course_dir).course
    deadline = course.assignment("tasks-api").deadline_of("bob")
    assert deadline is not None
    two_days_late = Graded("b" * 40, 80, 100, 2, deadline)
    assert budget_left(course, "bob", {"tasks-api": [two_days_late]}) == 1
    assert budget_left(course, "bob", {}) == 3
