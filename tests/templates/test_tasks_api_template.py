"""Checks only tasks-api needs; test_every_template.py holds those every assignment shares."""

from __future__ import annotations

from pathlib import Path

import pytest

from graders.model.assignment import LoadedAssignment, load_assignment

ROOT = Path(__file__).resolve().parents[2] / "templates" / "tasks-api"
SOLUTION, HIDDEN = ROOT / "solution", ROOT / "hidden_tests"


@pytest.fixture(scope="module")
def assignment() -> LoadedAssignment:
    return load_assignment(ROOT)


def test_requirements_name_the_stack_the_brief_promises() -> None:
    lines = (SOLUTION / "requirements.txt").read_text(encoding="utf-8").splitlines()
    names = {line.split("==")[0].lower() for line in lines if "==" in line}
    assert {"fastapi", "uvicorn", "sqlalchemy", "pyjwt", "argon2-cffi", "pytest", "httpx"} <= names


def test_hidden_checks_know_the_grading_jwt_secret(assignment: LoadedAssignment) -> None:
    """One hidden check signs a token for a missing user with the key the grader starts with."""
    assert assignment.spec.app is not None
    secret = assignment.spec.app.env["JWT_SECRET"]
    default = f'os.environ.get("JWT_SECRET", "{secret}")'
    assert default in (HIDDEN / "conftest.py").read_text(encoding="utf-8")
