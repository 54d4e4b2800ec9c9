"""Cheap static checks run over every assignment in templates/: each folder keeps its promises.

An assignment is a folder with an `assignment.toml`; these checks hold for all of them, so a
new assignment is held to the catalog's standard the moment it is added. Checks that only
make sense for one assignment live in that assignment's own test file.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from graders.model.assignment import LoadedAssignment, load_assignment
from graders.running.bugs import load_bugs

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
PYPROJECT = TEMPLATES.parent / "pyproject.toml"
SLUGS = sorted(path.parent.name for path in TEMPLATES.glob("*/assignment.toml"))
# Files the learner must not change: one copy in the assignment, identical copies in both trees.
SHARED_CONFIG = ("locustfile.py", "ruff.toml", "mypy.ini")
STAGE_TITLES = {
    "tests": "Tests",
    "hidden": "Hidden checks",
    "test_quality": "Your tests",
    "lint": "Lint",
    "types": "Types",
    "load": "Load",
}
PIN = re.compile(r"[A-Za-z0-9_.\-\[\]]+==[0-9][0-9A-Za-z.]*")


@pytest.fixture(params=SLUGS)
def root(request: pytest.FixtureRequest) -> Path:
    return TEMPLATES / str(request.param)


@pytest.fixture
def assignment(root: Path) -> LoadedAssignment:
    return load_assignment(root)


def _python_files(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*.py"))
        if "__pycache__" not in path.parts
    }


def _test_functions(path: Path) -> list[str]:
    """`test_*` functions at module level and `test_*` methods of `Test*` classes."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
            names.append(node.name)
        elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            names += [
                f"{node.name}::{item.name}"
                for item in node.body
                if isinstance(item, ast.FunctionDef) and item.name.startswith("test_")
            ]
    return names


def _hidden_checks(root: Path) -> list[ast.FunctionDef]:
    return [
        node
        for path in sorted((root / "hidden_tests").rglob("test_*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
    ]


def _brief(root: Path, assignment: LoadedAssignment) -> str:
    return (root / "starter" / assignment.spec.brief).read_text(encoding="utf-8")


def _pins(tree: Path) -> list[str]:
    lines = (tree / "requirements.txt").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def test_the_catalog_has_assignments() -> None:
    assert "tasks-api" in SLUGS


def test_assignment_loads_and_totals_100(root: Path, assignment: LoadedAssignment) -> None:
    assert assignment.spec.slug == root.name
    assert assignment.spec.max_score == 100


def test_starter_and_solution_share_the_public_tests(root: Path) -> None:
    starter, solution = root / "starter", root / "solution"
    assert _python_files(starter / "tests"), "starter has no public tests"
    assert _python_files(starter / "tests") == _python_files(solution / "tests")
    assert (starter / "pytest.ini").read_bytes() == (solution / "pytest.ini").read_bytes()


@pytest.mark.parametrize("name", SHARED_CONFIG)
def test_trusted_files_are_copied_unchanged(root: Path, name: str) -> None:
    original = (root / name).read_bytes()
    assert (root / "starter" / name).read_bytes() == original
    assert (root / "solution" / name).read_bytes() == original


def test_the_public_tests_run_the_upstream_the_grader_runs(
    root: Path, assignment: LoadedAssignment
) -> None:
    """An upstream's script is copied unchanged into tests/ (the public tests start it): a
    change to one and not the other would teach a Ledgerly the grade never meets."""
    upstreams = assignment.spec.app.upstreams if assignment.spec.app else {}
    if not upstreams:
        pytest.skip(f"{root.name} has no upstream")
    for upstream in upstreams.values():
        script = root / upstream.script
        for tree in ("starter", "solution"):
            assert (root / tree / "tests" / script.name).read_bytes() == script.read_bytes()


@pytest.mark.parametrize("tree", ["starter", "solution"])
def test_requirements_are_exact_pins(root: Path, tree: str) -> None:
    pins = _pins(root / tree)
    assert pins
    for pin in pins:
        assert PIN.fullmatch(pin), f"{tree}/requirements.txt: {pin!r} is not an exact pin"


def test_starter_and_solution_pin_the_same_packages(root: Path) -> None:
    assert _pins(root / "starter") == _pins(root / "solution")


def test_brief_names_every_graded_stage_and_its_points(
    root: Path, assignment: LoadedAssignment
) -> None:
    brief = _brief(root, assignment)
    for stage, title in STAGE_TITLES.items():
        spec = getattr(assignment.spec.stages, stage)
        if spec is not None:
            assert f"| {title} | {spec.points:g} |" in brief, f"brief lacks the {stage} row"


def test_brief_states_every_load_goal(root: Path, assignment: LoadedAssignment) -> None:
    brief = _brief(root, assignment)
    load = assignment.spec.stages.load
    assert load is not None
    assert f"{load.users} users" in brief
    for slo in load.slos:
        if slo.p50_ms is not None:
            assert f"`{slo.endpoint}`: median ≤ {slo.p50_ms:g} ms" in brief
        if slo.p95_ms is not None:
            assert f"`{slo.endpoint}`: 95th percentile ≤ {slo.p95_ms:g} ms" in brief


def test_slo_endpoints_are_named_in_the_locustfile(
    root: Path, assignment: LoadedAssignment
) -> None:
    source = (root / "locustfile.py").read_text(encoding="utf-8")
    names = set(re.findall(r'\bname\s*=\s*"([^"]+)"', source))
    load = assignment.spec.stages.load
    assert load is not None
    for slo in load.slos:
        if slo.endpoint != "Aggregated":
            method, _, path = slo.endpoint.partition(" ")
            assert path in names, f"no request in the locustfile is named {path!r}"
            assert re.search(rf"\.{method.lower()}\(", source), f"the locustfile never {method}s"


@pytest.mark.parametrize("stage", ["tests", "hidden"])
def test_weights_name_exactly_the_tests_they_weigh(
    root: Path, assignment: LoadedAssignment, stage: str
) -> None:
    """The grader counts only the listed tests once any weight is given: list them all."""
    weights = getattr(assignment.spec.stages, stage).weights
    if not weights:
        pytest.skip(f"{root.name} weighs the tests of its {stage} stage equally")
    # Public tests are named from the submission's root, hidden checks from their own folder.
    base = root / "starter" if stage == "tests" else root / "hidden_tests"
    folder = base / "tests" if stage == "tests" else base
    named = {
        f"{path.relative_to(base).as_posix()}::{name}"
        for path in sorted(folder.rglob("test_*.py"))
        for name in _test_functions(path)
    }
    assert set(weights) == named


def test_every_hidden_check_has_a_one_line_hint(root: Path) -> None:
    checks = _hidden_checks(root)
    assert len(checks) >= 15, f"{root.name} has only {len(checks)} hidden checks"
    for check in checks:
        hint = ast.get_docstring(check)
        assert hint, f"{check.name} has no docstring: it is the hint learners see"
        assert "\n" not in hint.strip(), f"{check.name}: keep the hint to one line"


def test_hidden_checks_are_black_box(root: Path) -> None:
    """They run in the grader's environment: httpx, pytest and the standard library only."""
    allowed = {"httpx", "pytest", *sys.stdlib_module_names}
    for path in (root / "hidden_tests").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                roots = {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                roots = {(node.module or "").split(".")[0]} if node.level == 0 else set()
            else:
                continue
            assert roots <= allowed, f"{path.name} imports {roots - allowed}"


@pytest.mark.parametrize("tree", ["starter", "solution"])
def test_protected_paths_exist(root: Path, assignment: LoadedAssignment, tree: str) -> None:
    """The official grade puts them back from the starter: the solution must not differ."""
    for path in assignment.spec.protected_paths:
        assert (root / tree / path).exists(), f"{tree}/{path}"


def test_starter_workflow_grades_this_assignment(root: Path) -> None:
    workflow = (root / "starter" / ".github" / "workflows" / "classroom.yml").read_text(
        encoding="utf-8"
    )
    assert f"assignment: {root.name}\n" in workflow


def test_seed_password_agrees_everywhere(root: Path, assignment: LoadedAssignment) -> None:
    """The hidden checks and the load test log in as seeded users without being told how."""
    assert assignment.spec.app is not None
    password = assignment.spec.app.env.get("SEED_PASSWORD")
    if password is None:
        pytest.skip(f"{root.name} seeds no accounts")
    default = f'os.environ.get("SEED_PASSWORD", "{password}")'
    assert default in (root / "hidden_tests" / "conftest.py").read_text(encoding="utf-8")
    assert default in (root / "locustfile.py").read_text(encoding="utf-8")
    for tree in ("starter", "solution"):
        seed = (root / tree / "app" / "seed.py").read_text(encoding="utf-8")
        assert f'DEFAULT_PASSWORD = "{password}"' in seed, f"{tree}/app/seed.py"


def test_the_catalog_lists_it_with_its_rubric(root: Path, assignment: LoadedAssignment) -> None:
    catalog = (TEMPLATES / "README.md").read_text(encoding="utf-8").splitlines()
    link = f"| [{root.name}]({root.name}/starter/{assignment.spec.brief}) |"
    rows = [line for line in catalog if line.startswith(link)]
    assert rows, f"templates/README.md has no row for {root.name} starting {link!r}"
    stages = assignment.spec.stages
    rubric = " · ".join(
        f"{name} {spec.points:g}"
        for name in STAGE_TITLES
        if (spec := getattr(stages, name)) is not None
    )
    assert f"| {rubric} |" in rows[0], f"the catalog's rubric for {root.name} is not {rubric}"


def test_the_catalogs_coverage_table_has_a_column_for_it(root: Path) -> None:
    catalog = (TEMPLATES / "README.md").read_text(encoding="utf-8").splitlines()
    headers = [line for line in catalog if line.startswith("| skill group |")]
    assert len(headers) == 1, "templates/README.md has no coverage table (or more than one)"
    columns = [cell.strip() for cell in headers[0].strip("|").split("|")]
    assert root.name in columns, f"the coverage table has no column for {root.name}"


@pytest.mark.parametrize("tool", ["ruff", "mypy", "locust"])
def test_brief_pins_the_graders_tool_versions(
    root: Path, assignment: LoadedAssignment, tool: str
) -> None:
    """Learners who run the brief's commands get the grader's findings, not another version's."""
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))
    pins = [dep for dep in project["project"]["dependencies"] if dep.startswith(f"{tool}==")]
    assert pins, f"the grader no longer pins {tool}"
    assert pins[0] in _brief(root, assignment)


def test_every_bug_has_a_line_and_applies_to_the_solution(
    root: Path, assignment: LoadedAssignment
) -> None:
    """The test_quality stage's material is complete: six-ish patches, each described, each
    applying cleanly to the current solution (a stale patch would be a grading error)."""
    if assignment.spec.stages.test_quality is None:
        pytest.skip("no test_quality stage")
    bugs = load_bugs(root / "bugs")
    assert len(bugs) >= 3
    for bug in bugs:
        applied = subprocess.run(
            ["git", "apply", "--check", "-p1", str(bug.patch)],
            cwd=root / "solution",
            capture_output=True,
            text=True,
            timeout=30,
            env={"GIT_CEILING_DIRECTORIES": str(root), "PATH": "/usr/bin:/bin"},
        )
        assert applied.returncode == 0, f"{bug.name}: {applied.stderr}"
