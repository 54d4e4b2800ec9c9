"""A sandbox with the instructor's org and a course folder for tasks-api (no learners yet)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.orchestrator.conftest import Classroom, open_classroom


@pytest.fixture
def room(tmp_path: Path) -> Iterator[Classroom]:
    opened, close = open_classroom(tmp_path, 0)
    yield opened
    close()
    assert not opened.contract.violations, opened.contract.violations[:3]
