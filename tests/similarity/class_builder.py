"""A generated class of tasks-api submissions, seeded and reproducible, with planted copies.

Each learner starts from the starter and gets as far as their own progress: every module the
reference solution changes is either still the starter's or the learner's own version of the
solution's (`restyle`: their names, constants, guards, intermediate variables, logging).
A few learners never got past the starter. Many learners add the same test file from a
tutorial and the same lock file: both must be left out of the comparison.

Three learners copy a classmate: one verbatim, one with every local variable renamed, one
with the functions of every module in another order.
"""

from __future__ import annotations

import ast
import random
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from tests.similarity.restyle import own_helper, rename_locals, reorder_functions, restyle

ROOT = Path(__file__).resolve().parents[2]
TASKS_API = ROOT / "templates" / "tasks-api"
STARTER, SOLUTION = TASKS_API / "starter", TASKS_API / "solution"
SKIPPED = {"__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache"}
RESTYLE_RATE = 0.8
STARTER_ONLY = 3
TUTORIAL_TEST = '''"""Tests I added, following the course's testing tutorial."""


def test_health_answers_ok(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_register_then_login(client):
    client.post("/auth/register", json={"username": "ada", "password": "a-long-password"})
    answer = client.post("/auth/login", json={"username": "ada", "password": "a-long-password"})
    assert answer.status_code == 200
    assert answer.json()["token_type"] == "bearer"
'''
LOCK = "".join(
    f'[[package]]\nname = "{name}"\nversion = "{version}"\nsource = {{ registry = "pypi" }}\n\n'
    for name, version in (("fastapi", "0.115.0"), ("sqlalchemy", "2.0.36"), ("pyjwt", "2.9.0"))
)

How = Literal["verbatim", "renamed variables", "reordered functions"]
HOWS: tuple[How, ...] = ("verbatim", "renamed variables", "reordered functions")


@dataclass(frozen=True)
class Planted:
    """`copy` handed in `original`'s work, changed as `how` says."""

    original: str
    copy: str
    how: How


@dataclass(frozen=True)
class GeneratedClass:
    """Where each learner's submission is, who copied whom, who never left the starter."""

    submissions: dict[str, Path]
    planted: tuple[Planted, ...]
    starter_only: tuple[str, ...]

    @property
    def planted_pairs(self) -> set[frozenset[str]]:
        return {frozenset((p.original, p.copy)) for p in self.planted}


def build_class(out: Path, *, learners: int = 40, seed: int = 2027) -> GeneratedClass:
    """Write `learners` submissions under `out`, one folder per login."""
    rng = random.Random(seed)
    logins = [f"learner-{n:02d}" for n in range(1, learners + 1)]
    order = logins[:]
    rng.shuffle(order)
    starter_only = tuple(sorted(order[:STARTER_ONLY]))
    copiers = order[STARTER_ONLY : STARTER_ONLY + len(HOWS)]
    originals = order[STARTER_ONLY + len(HOWS) : STARTER_ONLY + 2 * len(HOWS)]
    folders = {login: out / login for login in logins}
    for login in logins:
        if login in copiers:
            continue
        progress = 0.0 if login in starter_only else rng.uniform(0.35, 1.0)
        if login in originals:
            progress = 1.0
        write_own_work(folders[login], random.Random(f"{seed}:{login}"), progress)
    planted = []
    for copier, original, how in zip(copiers, originals, HOWS, strict=True):
        write_copy(folders[original], folders[copier], how, random.Random(f"{seed}:{copier}"))
        planted.append(Planted(original, copier, how))
    return GeneratedClass(folders, tuple(planted), starter_only)


def changed_modules() -> list[str]:
    """The solution's Python modules that differ from the starter's (or are new)."""
    found = []
    for path in sorted(SOLUTION.rglob("*.py")):
        relative = path.relative_to(SOLUTION).as_posix()
        if relative.startswith("tests/") or SKIPPED.intersection(path.parts):
            continue
        before = STARTER / relative
        if not before.is_file() or before.read_text() != path.read_text():
            found.append(relative)
    return found


def write_own_work(folder: Path, rng: random.Random, progress: float) -> None:
    """The starter, with each module the solution changes done the learner's own way (or not
    yet, by `progress`), and the tutorial's tests and a lock file for some."""
    _copy_tree(STARTER, folder)
    for relative in changed_modules():
        if rng.random() >= progress:
            continue
        theirs = STARTER / relative
        source = (SOLUTION / relative).read_text()
        base = theirs.read_text() if theirs.is_file() else ""
        restyled = splice(source, base, lambda node: restyle(node, rng, RESTYLE_RATE))
        helpers = "".join(own_helper(rng, n) for n in range(rng.randint(0, 2)))
        _write(folder / relative, shuffle_imports(restyled, base, rng) + helpers)
    if rng.random() < 0.6:
        _write(folder / "tests" / "test_mine.py", TUTORIAL_TEST)
    if rng.random() < 0.6:
        _write(folder / "uv.lock", LOCK)
    readme = folder / "README.md"
    readme.write_text(readme.read_text() + f"\n\nNotes: {rng.randrange(10**6)}\n")


def write_copy(original: Path, copy: Path, how: How, rng: random.Random) -> None:
    """`original`'s submission handed in again as `copy`, changed as `how` says."""
    _copy_tree(original, copy)
    if how == "verbatim":
        return
    for relative in changed_modules():
        path, theirs = copy / relative, STARTER / relative
        base = theirs.read_text() if theirs.is_file() else ""
        if not path.is_file() or path.read_text() == base:
            continue
        if how == "renamed variables":
            path.write_text(splice(path.read_text(), base, lambda node: rename_locals(node, rng)))
        else:
            path.write_text(reorder_functions(path.read_text(), rng))


def splice(source: str, base: str, change: Callable[[ast.stmt], ast.stmt]) -> str:
    """`source` with each top-level function and class that `base` lacks or has otherwise
    replaced by `change` of it; everything else stays byte for byte."""
    known = {_name(n): ast.dump(n) for n in ast.parse(base).body if _name(n)} if base else {}
    lines = source.splitlines(keepends=True)
    for node in reversed(ast.parse(source).body):
        name = _name(node)
        if not name or known.get(name) == ast.dump(node):
            continue
        assert isinstance(node, ast.FunctionDef | ast.ClassDef)
        start = min([node.lineno, *(d.lineno for d in node.decorator_list)]) - 1
        lines[start : node.end_lineno] = [ast.unparse(change(node)) + "\n"]
    return "".join(lines)


def shuffle_imports(source: str, base: str, rng: random.Random) -> str:
    """`source` with the imports `base` lacks in the learner's own order."""
    lines = source.splitlines(keepends=True)
    old = set(base.splitlines(keepends=True))
    spans = [(n.lineno - 1, n.end_lineno or n.lineno) for n in ast.parse(source).body
             if isinstance(n, ast.Import | ast.ImportFrom)]  # fmt: skip
    new = [(a, b) for a, b in spans if "".join(lines[a:b]) not in old]
    texts = ["".join(lines[a:b]) for a, b in new]
    rng.shuffle(texts)
    for (a, b), text in zip(reversed(new), reversed(texts), strict=True):
        lines[a:b] = [text]
    return "".join(lines)


def _name(node: ast.stmt) -> str:
    return node.name if isinstance(node, ast.FunctionDef | ast.ClassDef) else ""


def _copy_tree(source: Path, dest: Path) -> None:
    shutil.copytree(source, dest, ignore=shutil.ignore_patterns(*SKIPPED), dirs_exist_ok=True)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
