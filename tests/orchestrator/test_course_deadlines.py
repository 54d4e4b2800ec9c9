"""course.toml's deadlines, late policies, budget and `counts`: checked, with the fix named."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from basis.errors import UserError
from orchestrator.commands.init import init
from orchestrator.course import LatePolicy, load_course

HEAD = 'org = "school"\n'


def load(tmp_path: Path, text: str):
    (tmp_path / "course.toml").write_text(HEAD + text)
    return load_course(tmp_path).course


def refused(tmp_path: Path, text: str) -> str:
    with pytest.raises(UserError) as error:
        load(tmp_path, text)
    return str(error.value)


def test_a_course_file_from_before_late_policies_still_loads_with_the_old_behaviour(
    tmp_path: Path,
) -> None:
    init(tmp_path, org="school")
    course = load_course(tmp_path).course
    assert (course.timezone, course.late_days, course.counts, course.late) == (
        "UTC",
        0,
        "latest",
        None,
    )
    assert course.late_policy("tasks-api") is None


def test_the_course_policy_applies_unless_an_assignment_has_its_own(tmp_path: Path) -> None:
    course = load(
        tmp_path,
        'timezone = "America/New_York"\nlate_days = 4\ncounts = "on-time"\n'
        "[late]\npenalty_per_day = 10\nmax_late_days = 3\n"
        "[assignments.a]\ndeadline = 2026-12-12T23:59:00-05:00\n"
        '[assignments.b]\ndeadline = 2026-12-19T23:59:00-05:00\ncounts = "best"\n'
        "[assignments.b.late]\npenalty_per_day = 0\nmax_late_days = 0\n",
    )
    assert course.late_policy("a") == LatePolicy(penalty_per_day=10, max_late_days=3)
    assert course.late_policy("b") == LatePolicy(penalty_per_day=0, max_late_days=0)
    assert (course.counts_of("a"), course.counts_of("b")) == ("on-time", "best")
    assert course.assignment("a").deadline == datetime(2026, 12, 13, 4, 59, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "field", "fix"),
    [
        (
            "[assignments.a]\ndeadline = 2026-12-12T23:59:00\n",
            "assignments.a.deadline",
            "2026-12-12T23:59:00Z (UTC) or 2026-12-12T23:59:00-05:00",
        ),
        (
            "[assignments.a]\ndeadline = 2026-12-12\n",
            "assignments.a.deadline",
            "is a day, not a moment",
        ),
        (
            '[assignments.a]\ndeadline = "friday"\n',
            "assignments.a.deadline",
            "datetime",
        ),
        (
            "[assignments.a]\ndeadline = 2026-12-12T23:59:00Z\n"
            "[assignments.a.late]\npenalty_per_day = -5\nmax_late_days = 2\n",
            "assignments.a.late.penalty_per_day",
            "from 0 to 100",
        ),
        (
            "[late]\npenalty_per_day = 150\nmax_late_days = 2\n",
            "late.penalty_per_day",
            "from 0 to 100",
        ),
        ("[late]\npenalty_per_day = 10\n", "late", "add max_late_days = 3"),
        ("[late]\nmax_late_days = 2\n", "late", "penalty_per_day = 0 accepts"),
        ("[late]\npenalty_per_day = 5\nmax_late_days = 90\n", "late.max_late_days", "0 to 60"),
        ("[late]\npenalty_per_day = 5\nmax_late_days = 2\ngrace = 1\n", "late.grace", ""),
        ("late_days = -1\n", "late_days", "e.g. late_days = 5"),
        ('counts = "first"\n', "counts", "'on-time', 'best' or 'latest'"),
        ('timezone = "Mars/Olympus"\n', "timezone", "America/New_York"),
        (
            "[assignments.a]\ndeadline = 2026-12-12T23:59:00Z\n"
            "[assignments.a.extensions]\nada = 2026-12-12T18:00:00-05:00\n",
            "assignments.a.extensions",
            "ada: 2026-12-12T18:00:00-05:00 is not after the deadline 2026-12-12T23:59:00+00:00",
        ),
        (
            "[assignments.a.extensions]\nada = 2026-12-12T18:00:00Z\n",
            "assignments.a.extensions",
            "add deadline = ",
        ),
        (
            "[assignments.a]\ndeadline = 2026-12-12T23:59:00Z\n"
            "[assignments.a.extensions]\nada = 2026-12-14T23:59:00\n",
            "assignments.a.extensions",
            "ada: 2026-12-14T23:59:00 has no UTC offset",
        ),
        (
            "[assignments.a]\ndeadline = 2026-12-12T23:59:00Z\n"
            '[assignments.a.extensions]\n"not a login" = 2026-12-14T23:59:00Z\n',
            "assignments.a.extensions.not a login.[key]",
            "as roster.csv has it",
        ),
    ],
)
def test_bad_deadline_settings_name_the_file_the_field_and_the_fix(
    tmp_path: Path, text: str, field: str, fix: str
) -> None:
    message = refused(tmp_path, text)
    assert f"course.toml: {field}:" in message
    assert fix in message


def test_a_deadline_without_an_offset_is_suggested_in_the_course_time_zone(
    tmp_path: Path,
) -> None:
    message = refused(
        tmp_path, 'timezone = "Europe/Berlin"\n[assignments.a]\ndeadline = 2026-07-01T12:00:00\n'
    )
    assert "e.g. 2026-07-01T12:00:00+02:00 (that time in Europe/Berlin)" in message


def test_the_instructor_guide_s_course_file_loads(tmp_path: Path) -> None:
    guide = (Path(__file__).parents[2] / "docs" / "instructor-guide.md").read_text()
    example = guide.split("```toml\n", 1)[1].split("```", 1)[0]
    (tmp_path / "course.toml").write_text(example)
    course = load_course(tmp_path).course
    assert course.late_policy("tasks-api") == LatePolicy(penalty_per_day=10, max_late_days=2)
    assert course.assignment("tasks-api").extension_of("school-learner-2") is not None
