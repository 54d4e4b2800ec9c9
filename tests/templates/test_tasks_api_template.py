"""Checks only tasks-api needs; test_every_template.py holds those every assignment shares."""

from __future__ import annotations

from pathlib import Path

import pytest

from graders.assignment import LoadedAssignment, load_assignment

ROOT = Path(__file__).resolve().parents[2] / "templates" / "tasks-api"
SOLUTION, HIDDEN = ROOT / "solution", ROOT / "hidden_tests"


@pytest.fixture(scope="module")
def assignment() -> LoadedAssignment:
    return load_assignment(ROOT)


def test_requirements_name_the_stack_the_brief_promises() -> None:
    lines = (SOLUTION / "requirements.txt").read_text(encoding="utf-8").splitlines()
    names = {line.split("==")[0].lower() for line in lines if "==" in line}
    assert {"fastapi", "uvicorn", "sqlalchemy", "pyjwt", "argon2-cffi", "pytest", "httpx"} <= names


def test_seed_password_agrees_everywhere(assignment: LoadedAssignment) -> None:
    """The hidden checks and the load test log in as seeded users without being told how."""
    assert assignment.spec.app is not None
    password = assignment.spec.app.env["SEED_PASSWORD"]
    default = f'os.environ.get("SEED_PASSWORD", "{password}")'
    assert default in (HIDDEN / "conftest.py").read_text(encoding="utf-8")
    assert default in (ROOT / "locustfile.py").read_text(encoding="utf-8")
    assert f'DEFAULT_PASSWORD = "{password}"' in (SOLUTION / "app" / "seed.py").read_text(
        encoding="utf-8"
    )
