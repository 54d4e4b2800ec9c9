"""Checks only bookings-api needs; test_every_template.py holds those every assignment shares."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from graders.model.assignment import LoadedAssignment, load_assignment

ROOT = Path(__file__).resolve().parents[2] / "templates" / "bookings-api"
STARTER, SOLUTION, HIDDEN = ROOT / "starter", ROOT / "solution", ROOT / "hidden_tests"
# The contract the learner must serve: the same in both trees, never to be edited.
CONTRACT = Path("docs") / "openapi.yaml"


@pytest.fixture(scope="module")
def assignment() -> LoadedAssignment:
    return load_assignment(ROOT)


def _revisions(tree: Path) -> set[str]:
    return {path.name for path in (tree / "migrations" / "versions").glob("*.py")}


def test_requirements_name_the_stack_the_brief_promises() -> None:
    lines = (SOLUTION / "requirements.txt").read_text(encoding="utf-8").splitlines()
    names = {line.split("==")[0].lower() for line in lines if "==" in line}
    stack = {"fastapi", "uvicorn", "sqlalchemy", "alembic", "pyjwt", "pytest", "httpx", "pyyaml"}
    assert stack <= names


def test_the_contract_is_shared_and_protected(assignment: LoadedAssignment) -> None:
    assert (STARTER / CONTRACT).read_bytes() == (SOLUTION / CONTRACT).read_bytes()
    assert str(CONTRACT) in assignment.spec.protected_paths


def test_hidden_checks_know_every_contract_operation() -> None:
    """The hidden contract check and docs/openapi.yaml name the same operation ids."""
    contract = (STARTER / CONTRACT).read_text(encoding="utf-8")
    hidden = (HIDDEN / "test_contract.py").read_text(encoding="utf-8")
    ids = set(re.findall(r"operationId: (\w+)", contract))
    assert ids
    assert ids == set(re.findall(r'\): \("(\w+)"', hidden))


@pytest.mark.parametrize("tree", [STARTER, SOLUTION], ids=["starter", "solution"])
def test_the_schema_comes_from_migrations_only(tree: Path) -> None:
    sources = [path.read_text(encoding="utf-8") for path in (tree / "app").rglob("*.py")]
    assert not [source for source in sources if ".create_all(" in source]
    assert "0001_initial_schema.py" in _revisions(tree)


def test_the_solution_adds_a_migration_the_starter_lacks() -> None:
    assert _revisions(STARTER) < _revisions(SOLUTION)


def test_the_service_runs_on_the_graders_postgres(assignment: LoadedAssignment) -> None:
    assert assignment.spec.app is not None
    assert assignment.spec.app.services.postgres is not None
    assert assignment.spec.app.env["DATABASE_URL"] == "{postgres_url}"


def test_only_the_solution_has_postgres_refuse_overlapping_bookings() -> None:
    """The solution's guarantee is an exclusion constraint; the starter leaves it to be built."""

    def migrations(tree: Path) -> str:
        return "".join(p.read_text(encoding="utf-8") for p in (tree / "migrations").rglob("*.py"))

    constraint = "EXCLUDE USING gist (room_id WITH =, tstzrange(start_at, end_at, '[)') WITH &&)"
    assert constraint in migrations(SOLUTION)
    assert "EXCLUDE" not in migrations(STARTER)
