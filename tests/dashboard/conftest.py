"""The small hand-made class, stored on disk as a course's grades store."""

from __future__ import annotations

from pathlib import Path

import pytest
from small_class import small_class_info, small_class_not_graded, small_class_submissions

from orchestrator.grades_store import record_lines


@pytest.fixture
def course_with_small_class(tmp_path: Path) -> Path:
    """A course folder whose grades store holds the small class, and its class-info file."""
    course = tmp_path / "course"
    record_lines(course, [*small_class_submissions(), *small_class_not_graded()])
    (course / "class.json").write_text(small_class_info().model_dump_json(indent=2))
    return course
