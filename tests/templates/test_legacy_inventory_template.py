"""Cheap static checks of templates/legacy-inventory: the folder keeps its own promises."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from pathlib import Path

import pytest

from graders.assignment import LoadedAssignment, load_assignment

ROOT = Path(__file__).resolve().parents[2] / "templates" / "legacy-inventory"
STARTER, SOLUTION, HIDDEN = ROOT / "starter", ROOT / "solution", ROOT / "hidden_tests"
# Files the learner must not change: one copy in the assignment, identical copies in both trees.
SHARED_CONFIG = ("locustfile.py", "ruff.toml", "mypy.ini")
TICKET_FILES = ("test_stock.py", "test_authorization.py", "test_errors.py")


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


def _app_lines(tree: Path) -> int:
    return sum(
        len(path.read_text(encoding="utf-8").splitlines()) for path in (tree / "app").glob("*.py")
    )


def test_assignment_loads_and_totals_100(assignment: LoadedAssignment) -> None:
    assert assignment.spec.slug == "legacy-inventory"
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


def test_requirements_are_exact_pins_and_the_same_in_both_trees() -> None:
    starter = (STARTER / "requirements.txt").read_text(encoding="utf-8")
    assert starter == (SOLUTION / "requirements.txt").read_text(encoding="utf-8")
    pins = [line for line in starter.splitlines() if line.strip() and not line.startswith("#")]
    for pin in pins:
        assert re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[0-9][0-9A-Za-z.]*", pin), pin
    assert {pin.split("==")[0].lower() for pin in pins} >= {"flask", "waitress", "pytest"}


def test_the_inherited_code_is_of_a_realistic_size() -> None:
    """A brownfield service: several modules and on the order of a thousand lines."""
    assert len(list((STARTER / "app").glob("*.py"))) >= 10
    assert _app_lines(STARTER) >= 800
    for note in ("CHANGELOG.md", "docs/runbook.md", "docs/adr-0002-plain-sqlite.md"):
        assert (STARTER / note).is_file(), note


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


def test_brief_is_a_ticket_queue_not_a_walkthrough() -> None:
    """The tickets describe symptoms; the brief never names the causes the learner must find."""
    brief = (STARTER / "README.md").read_text(encoding="utf-8").lower()
    for ticket in ("shop-1519", "wh-207", "sup-88", "shop-1533"):
        assert ticket in brief
    for spoiler in ("n+1", "index", "injection", "race", "rowcount", "begin immediate"):
        assert spoiler not in brief, spoiler


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


def test_hidden_weights_name_exactly_the_hidden_checks(assignment: LoadedAssignment) -> None:
    """The grader counts only the listed checks once any weight is given: list them all."""
    hidden = assignment.spec.stages.hidden
    assert hidden is not None
    checks = {
        f"{path.name}::{fn.name}"
        for path in sorted(HIDDEN.glob("test_*.py"))
        for fn in _test_functions(path)
    }
    assert set(hidden.weights) == checks


def test_the_tickets_weigh_the_same(assignment: LoadedAssignment) -> None:
    """Stock, authorization and errors each carry the same share of the hidden checks."""
    hidden = assignment.spec.stages.hidden
    assert hidden is not None
    per_file: dict[str, float] = {}
    for node, weight in hidden.weights.items():
        name = node.split("::")[0]
        per_file[name] = per_file.get(name, 0) + weight
    assert {per_file[name] for name in TICKET_FILES} == {per_file["test_stock.py"]}
    assert per_file["test_contract.py"] < per_file["test_stock.py"]


def test_every_hidden_check_has_a_hint() -> None:
    checks = [fn for path in sorted(HIDDEN.glob("test_*.py")) for fn in _test_functions(path)]
    assert len(checks) >= 20
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
        assert (STARTER / path).exists(), path


def test_the_starter_workflow_names_the_assignment() -> None:
    workflow = (STARTER / ".github" / "workflows" / "classroom.yml").read_text(encoding="utf-8")
    assert "assignment: legacy-inventory" in workflow


def test_seed_password_agrees_everywhere(assignment: LoadedAssignment) -> None:
    """The hidden checks and the load test log in as seeded accounts without being told how."""
    assert assignment.spec.app is not None
    password = assignment.spec.app.env["SEED_PASSWORD"]
    default = f'os.environ.get("SEED_PASSWORD", "{password}")'
    assert default in (HIDDEN / "conftest.py").read_text(encoding="utf-8")
    assert default in (ROOT / "locustfile.py").read_text(encoding="utf-8")
    for tree in (STARTER, SOLUTION):
        assert f'DEFAULT_PASSWORD = "{password}"' in (tree / "app" / "seed.py").read_text(
            encoding="utf-8"
        )


def test_the_hidden_stage_widens_the_checkout_window(assignment: LoadedAssignment) -> None:
    """The race checks lose reliably on the starter only if checkout's slow step is slow enough."""
    hidden = assignment.spec.stages.hidden
    assert hidden is not None
    assert int(hidden.env["FRAUD_CHECK_MS"]) >= 50


@pytest.mark.parametrize("tool", ["ruff", "mypy", "locust"])
def test_brief_pins_the_graders_tool_versions(tool: str) -> None:
    """Learners who run the brief's commands get the grader's findings, not another version's."""
    project = tomllib.loads((ROOT.parents[1] / "pyproject.toml").read_text(encoding="utf-8"))
    pins = [dep for dep in project["project"]["dependencies"] if dep.startswith(f"{tool}==")]
    assert pins, f"the grader no longer pins {tool}"
    assert pins[0] in (STARTER / "README.md").read_text(encoding="utf-8")
