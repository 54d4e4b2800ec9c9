"""The import rules of docs/design.md, checked on the source: `basis` is the base of the three
parts and imports nothing but the standard library; graders and sandbox import neither of the
other parts; the orchestrator takes its error type from the base, not from graders; the
reporter (installed alone in the report job) imports neither the orchestrator nor the sandbox,
talks to GitHub only through its gateway, and needs no package its pyproject does not name.
Inside graders, the model imports nothing that runs or writes feedback, and running and
feedback import neither each other; inside sandbox, the git side and the shared state import
neither the API nor the workflow runs."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PARTS = ("basis", "graders", "orchestrator", "sandbox")


def _imports(package: str) -> dict[str, set[str]]:
    """Each module file of `package` with the top-level names of what it imports."""
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module)
        found[str(path.relative_to(ROOT))] = names
    return found


def _tops(names: set[str]) -> set[str]:
    return {name.split(".")[0] for name in names}


def test_the_base_imports_only_the_standard_library_and_itself() -> None:
    allowed = set(sys.stdlib_module_names) | {"__future__", "basis"}
    outside = {f: _tops(n) - allowed for f, n in _imports("basis").items()}
    assert {f: n for f, n in outside.items() if n} == {}


@pytest.mark.parametrize(("part", "forbidden"), [
    ("graders", {"orchestrator", "reporter", "sandbox", "classroom"}),
    ("sandbox", {"graders", "orchestrator", "reporter", "classroom"}),
    ("reporter", {"orchestrator", "sandbox", "classroom"}),
])  # fmt: skip
def test_a_part_imports_no_other_part(part: str, forbidden: set[str]) -> None:
    crossing = {f: _tops(n) & forbidden for f, n in _imports(part).items()}
    assert {f: n for f, n in crossing.items() if n} == {}


def test_the_error_type_and_the_subprocess_gateway_come_from_the_base() -> None:
    borrowed = {"graders.errors", "graders.running.process", "sandbox.procs"}
    for part in ("orchestrator", "sandbox"):
        crossing = {f: n & borrowed for f, n in _imports(part).items()}
        assert {f: n for f, n in crossing.items() if n} == {}, part


def test_the_reporter_talks_to_github_only_through_its_gateway() -> None:
    http = {"github", "requests", "urllib3", "httpx"}
    outside = {f: _tops(n) & http for f, n in _imports("reporter").items()}
    assert {f: n for f, n in outside.items() if n} == {
        "reporter/gateway.py": {"github", "requests"}
    }


def _reached_from(package: str) -> dict[str, set[str]]:
    """Every module file `package` reaches through imports of this project's modules, with
    what each imports (imports inside functions too: they run when the reporter does)."""
    everything = {
        f: n for part in ("basis", "graders", "reporter") for f, n in _imports(part).items()
    }
    by_module = {
        f.removesuffix(".py").removesuffix("/__init__").replace("/", "."): f for f in everything
    }
    todo = [f for f in everything if f.startswith(f"{package}/")]
    seen: dict[str, set[str]] = {}
    while todo:
        file = todo.pop()
        if file in seen:
            continue
        seen[file] = everything[file]
        for name in everything[file]:
            parents = [".".join(name.split(".")[:i]) for i in range(1, name.count(".") + 2)]
            todo += [by_module[m] for m in parents if m in by_module]
    return seen


def test_the_reporter_needs_no_package_beyond_its_own_dependencies() -> None:
    """What `pip install ./reporter` brings (reporter/pyproject.toml) is all the report job
    has: every module the reporter reaches, the grader's report model and renderer
    included, imports only those, the standard library and the wheel's own packages."""
    declared = {"github", "requests", "pydantic", "jinja2", "markupsafe"}
    allowed = set(sys.stdlib_module_names) | {"__future__", "basis", "graders", "reporter"}
    reached = _reached_from("reporter")
    assert "graders/feedback/comment.py" in reached
    outside = {f: _tops(n) - allowed - declared for f, n in reached.items()}
    assert {f: n for f, n in outside.items() if n} == {}


def _full_names(path: Path) -> set[str]:
    """What one file imports, as full dotted names (`from a.b import c` gives `a.b.c`)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def _within(name: str, prefixes: set[str]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def _files(folder: str) -> list[Path]:
    found = sorted((ROOT / folder).rglob("*.py"))
    assert found, folder
    return found


def test_the_graders_model_imports_only_the_model_and_the_stage_names() -> None:
    allowed = {"graders.model", "graders.stages.registry"}
    crossing = {
        str(f.relative_to(ROOT)): {n for n in _full_names(f) if _within(n, {"graders"})}
        - {n for n in _full_names(f) if _within(n, allowed)}
        for f in _files("graders/model")
    }
    assert {f: n for f, n in crossing.items() if n} == {}


@pytest.mark.parametrize(("folder", "forbidden"), [
    ("graders/running", {"graders.feedback", "graders.commands", "graders.cli"}),
    ("graders/feedback", {"graders.running", "graders.commands", "graders.cli"}),
    ("sandbox/git", {"sandbox.api", "sandbox.actions", "sandbox.commands", "sandbox.server"}),
])  # fmt: skip
def test_a_side_imports_no_side_beside_or_above_it(folder: str, forbidden: set[str]) -> None:
    crossing = {
        str(f.relative_to(ROOT)): {n for n in _full_names(f) if _within(n, forbidden)}
        for f in _files(folder)
    }
    assert {f: n for f, n in crossing.items() if n} == {}


SANDBOX_STATE = ("auth", "clock", "config", "context", "errors", "records", "store")


@pytest.mark.parametrize("module", SANDBOX_STATE)
def test_the_sandbox_state_imports_neither_the_api_nor_the_workflow_runs(module: str) -> None:
    names = _full_names(ROOT / "sandbox" / f"{module}.py")
    assert {n for n in names if _within(n, {"sandbox.api", "sandbox.actions"})} == set()
