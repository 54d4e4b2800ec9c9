"""The import rules of docs/design.md, checked on the source: `basis` is the base of the three
parts and imports nothing but the standard library; graders and sandbox import neither of the
other parts; the orchestrator takes its error type from the base, not from graders."""

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
    ("graders", {"orchestrator", "sandbox", "classroom"}),
    ("sandbox", {"graders", "orchestrator", "classroom"}),
])  # fmt: skip
def test_a_part_imports_no_other_part(part: str, forbidden: set[str]) -> None:
    crossing = {f: _tops(n) & forbidden for f, n in _imports(part).items()}
    assert {f: n for f, n in crossing.items() if n} == {}


def test_the_error_type_and_the_subprocess_gateway_come_from_the_base() -> None:
    borrowed = {"graders.errors", "graders.process", "sandbox.procs"}
    for part in ("orchestrator", "sandbox"):
        crossing = {f: n & borrowed for f, n in _imports(part).items()}
        assert {f: n for f, n in crossing.items() if n} == {}, part
