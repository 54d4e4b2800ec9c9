"""Checks only webhook-ingest needs; test_every_template.py holds those every assignment shares."""

from __future__ import annotations

import ast
import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest

from graders.model.assignment import LoadedAssignment, load_assignment

ROOT = Path(__file__).resolve().parents[2] / "templates" / "webhook-ingest"
STARTER, SOLUTION, HIDDEN = ROOT / "starter", ROOT / "solution", ROOT / "hidden_tests"
PROVIDER = Path("app") / "provider.py"


@pytest.fixture(scope="module")
def assignment() -> LoadedAssignment:
    return load_assignment(ROOT)


def _module(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"webhook_ingest_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_paystreams_client_is_shared_and_protected(assignment: LoadedAssignment) -> None:
    """Its 200 ms round trip is what the queue must keep off the webhook's answer: a learner
    who could edit it could make the call free instead."""
    assert (STARTER / PROVIDER).read_bytes() == (SOLUTION / PROVIDER).read_bytes()
    assert str(PROVIDER) in assignment.spec.protected_paths


def test_the_public_tests_sign_with_code_of_their_own() -> None:
    """A test that signed with `app.signatures` would pass whatever the learner made of it."""
    for path in (SOLUTION / "tests").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        assert "app.signatures" not in imported, path.name


def test_the_secret_agrees_everywhere(assignment: LoadedAssignment) -> None:
    """The hidden checks and the load test sign with the secret the service is started with."""
    assert assignment.spec.app is not None
    secret = assignment.spec.app.env["WEBHOOK_SECRET"]
    default = f'os.environ.get("WEBHOOK_SECRET", "{secret}")'
    assert default in (HIDDEN / "conftest.py").read_text(encoding="utf-8")
    assert default in (ROOT / "locustfile.py").read_text(encoding="utf-8")


def test_the_hidden_fee_is_paystreams() -> None:
    """test_processing.py expects the fee app/provider.py charges (without its round trip)."""
    provider = _module(SOLUTION / PROVIDER)
    source = (HIDDEN / "test_processing.py").read_text(encoding="utf-8")
    found = re.search(r"fee=(\d+) \+ (\d+) \* (\d+) // 1000", source)
    assert found, "test_processing.py no longer spells the fee out"
    fixed, amount, tenths = (int(group) for group in found.groups())
    assert (fixed, tenths) == (provider.FIXED, provider.PERCENT_IN_TENTHS)
    assert amount > 0


def test_the_schema_comes_from_sql_migrations_the_solution_extends() -> None:
    starter = {path.name for path in (STARTER / "migrations").glob("*.sql")}
    solution = {path.name for path in (SOLUTION / "migrations").glob("*.sql")}
    assert starter < solution, "the solution adds the queue's migration to the starter's"
    for tree in (STARTER, SOLUTION):  # app/migrate.py creates only its own bookkeeping table
        for path in (tree / "app").rglob("*.py"):
            tables = re.findall(r"CREATE TABLE (?:IF NOT EXISTS )?(\w+)", path.read_text("utf-8"))
            assert set(tables) <= {"schema_migrations"}, f"{path}: {tables}"


def test_the_starter_leaves_the_webhook_to_build() -> None:
    """Greenfield: the starter's webhook answers 501 and its workers do nothing yet."""
    webhooks = (STARTER / "app" / "routers" / "webhooks.py").read_text(encoding="utf-8")
    assert "HTTP_501_NOT_IMPLEMENTED" in webhooks
    assert "raise NotImplementedError" in (STARTER / "app" / "worker.py").read_text("utf-8")
