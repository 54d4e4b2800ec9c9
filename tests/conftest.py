"""Shared fixtures: submission folders built from the outcome-named fixtures."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
SUBMISSIONS = FIXTURES / "submissions"
NOTES_ASSIGNMENT = FIXTURES / "assignments" / "notes"
ROOT = Path(__file__).parent.parent
# Submission environments are cached across tests (and runs); sandbox-readable, not in $HOME.
SHARED_CACHE = Path(tempfile.gettempdir()) / "backend-classroom-test-cache"


@pytest.fixture(autouse=True)
def _home_is_not_written(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tests must not write to the real $HOME (pre-commit's guard): give each a fake one."""
    monkeypatch.setenv("HOME", str(tmp_path_factory.mktemp("home")))


@pytest.fixture
def overlay_submission(tmp_path: Path) -> Callable[[str], Path]:
    """Build a submission: `passes_all` first, then the named fixture's files on top."""

    def build(name: str) -> Path:
        target = tmp_path / name
        shutil.copytree(SUBMISSIONS / "passes_all", target)
        if name != "passes_all":
            shutil.copytree(SUBMISSIONS / name, target, dirs_exist_ok=True)
        return target

    return build


# Modules that expect a good submission to meet its load goals. `make test` runs the slow
# tests on two workers; these run one after another on the same worker (xdist's `loadgroup`),
# so two load tests never share the two cores: a load goal measures the submission, not the
# suite's own traffic. The rest of the slow tests (act runs, installs) share the other core,
# as other work on a runner would (benchmarks/load_stability.py measures that case).
LOAD_BEARING = {
    "tests/graders/test_template_grades.py",
    "tests/graders/test_legacy_inventory_grades.py",
    "tests/graders/test_tasks_api_grades.py",
    "tests/graders/test_robustness.py",
    "tests/official/test_official_e2e.py",
    "tests/official/test_deadlines_e2e.py",
    "tests/workflows/test_grading_e2e.py",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.nodeid.split("::", 1)[0] in LOAD_BEARING:
            item.add_marker(pytest.mark.xdist_group("load"))
