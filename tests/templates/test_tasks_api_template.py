"""Cheap static checks of templates/tasks-api: the folder keeps its own promises."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from pathlib import Path

import pytest

from graders.assignment import LoadedAssignment, load_assignment

ROOT = Path(__file__).resolve().parents[2] / "templates" / "tasks-api"
STARTER, SOLUTION, HIDDEN = ROOT / "starter", ROOT / "solution", ROOT / "hidden_tests"
# Files the learner must not change: one copy in the assignment, identical copies in both trees.
SHARED_CONFIG = ("locustfile.py", "ruff.toml", "mypy.ini")


@pytest.fixture(scope="module")
def assignment() -> LoadedAssignment:
    return load_assignment(ROOT)


def _files(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*.py"))
        if "__pycache__" not in path.parts
    }


def _test_functions(path: Path) -> list[ast.FunctionDef]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
    ]


def test_assignment_loads_and_totals_100(assignment: LoadedAssignment) -> None:
    assert assignment.spec.slug == "tasks-api"
    assert assignment.spec.max_score == 100


def test_starter_and_solution_share_the_public_tests() -> None:
    assert _files(STARTER / "tests"), "starter has no public tests"
    assert _files(STARTER / "tests") == _files(SOLUTION / "tests")
    assert (STARTER / "pytest.ini").read_bytes() == (SOLUTION / "pytest.ini").read_bytes()


@pytest.mark.parametrize("name", SHARED_CONFIG)
def test_trusted_files_are_copied_unchanged(name: str) -> None:
    original = (ROOT / name).read_bytes()
    assert (STARTER / name).read_bytes() == original
    assert (SOLUTION / name).read_bytes() == original


@pytest.mark.parametrize("tree", [STARTER, SOLUTION], ids=["starter", "solution"])
def test_requirements_are_exact_pins(tree: Path) -> None:
    lines = (tree / "requirements.txt").read_text(encoding="utf-8").splitlines()
    pins = [line for line in lines if line.strip() and not line.startswith("#")]
    assert pins
    for pin in pins:
        assert re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[0-9][0-9A-Za-z.]*", pin), pin
    names = {pin.split("==")[0].lower() for pin in pins}
    assert {"fastapi", "uvicorn", "sqlalchemy", "pyjwt", "argon2-cffi", "pytest", "httpx"} <= names


def test_starter_and_solution_pin_the_same_packages() -> None:
    starter = (STARTER / "requirements.txt").read_text(encoding="utf-8")
    assert starter == (SOLUTION / "requirements.txt").read_text(encoding="utf-8")


def test_brief_names_every_graded_stage_and_its_points(assignment: LoadedAssignment) -> None:
    brief = (STARTER / assignment.spec.brief).read_text(encoding="utf-8")
    titles = {
        "tests": "Tests",
        "hidden": "Hidden checks",
        "lint": "Lint",
        "types": "Types",
        "load": "Load",
    }
    for stage, title in titles.items():
        points = getattr(assignment.spec.stages, stage).points
        assert f"| {title} | {points:g} |" in brief, f"brief lacks the {stage} row"


def test_brief_states_every_load_goal(assignment: LoadedAssignment) -> None:
    brief = (STARTER / "README.md").read_text(encoding="utf-8")
    load = assignment.spec.stages.load
    assert load is not None
    assert f"{load.users} users" in brief
    for slo in load.slos:
        if slo.p50_ms is not None:
            assert f"`{slo.endpoint}`: median ≤ {slo.p50_ms:g} ms" in brief
        if slo.p95_ms is not None:
            assert f"`{slo.endpoint}`: 95th percentile ≤ {slo.p95_ms:g} ms" in brief


def test_slo_endpoints_are_named_in_the_locustfile(assignment: LoadedAssignment) -> None:
    source = (ROOT / "locustfile.py").read_text(encoding="utf-8")
    calls = re.findall(
        r"self\.client\.(get|post|patch|delete)\((?:[^()]|\([^()]*\))*?"
        r'name="([^"]+)"',
        source,
        flags=re.S,
    )
    entries = {f"{method.upper()} {name}" for method, name in calls}
    load = assignment.spec.stages.load
    assert load is not None
    for slo in load.slos:
        assert slo.endpoint == "Aggregated" or slo.endpoint in entries, slo.endpoint


def test_weights_name_exactly_the_public_tests(assignment: LoadedAssignment) -> None:
    """The grader counts only the listed tests once any weight is given: list them all."""
    tests = assignment.spec.stages.tests
    assert tests is not None
    public = {
        f"tests/{path.name}::{fn.name}"
        for path in sorted((STARTER / "tests").glob("test_*.py"))
        for fn in _test_functions(path)
    }
    assert set(tests.weights) == public


def test_every_hidden_check_has_a_hint() -> None:
    checks = [fn for path in sorted(HIDDEN.glob("test_*.py")) for fn in _test_functions(path)]
    assert len(checks) >= 25
    for check in checks:
        hint = ast.get_docstring(check)
        assert hint, f"{check.name} has no docstring: it is the hint learners see"
        assert "\n" not in hint.strip(), f"{check.name}: keep the hint to one line"


def test_hidden_checks_are_black_box() -> None:
    allowed = {"httpx", "pytest", *sys.stdlib_module_names}
    for path in HIDDEN.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                roots = {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                roots = {(node.module or "").split(".")[0]}
            else:
                continue
            assert roots <= allowed, f"{path.name} imports {roots - allowed}"


def test_protected_paths_exist_in_the_starter(assignment: LoadedAssignment) -> None:
    for path in assignment.spec.protected_paths:
        if path != ".github":  # the workflow comes with the publishing issue
            assert (STARTER / path).exists(), path


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


@pytest.mark.parametrize("tool", ["ruff", "mypy", "locust"])
def test_brief_pins_the_graders_tool_versions(tool: str) -> None:
    """Learners who run the brief's commands get the grader's findings, not another version's."""
    project = tomllib.loads((ROOT.parents[1] / "pyproject.toml").read_text(encoding="utf-8"))
    pins = [dep for dep in project["project"]["dependencies"] if dep.startswith(f"{tool}==")]
    assert pins, f"the grader no longer pins {tool}"
    assert pins[0] in (STARTER / "README.md").read_text(encoding="utf-8")
