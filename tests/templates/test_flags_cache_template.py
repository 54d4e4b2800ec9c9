"""Checks only flags-cache needs; test_every_template.py holds those every assignment shares."""

from __future__ import annotations

import ast
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from graders.model.assignment import LoadedAssignment, load_assignment

ROOT = Path(__file__).resolve().parents[2] / "templates" / "flags-cache"
STARTER, SOLUTION, HIDDEN = ROOT / "starter", ROOT / "solution", ROOT / "hidden_tests"
USERS = [f"user-{n}" for n in range(200)]


@pytest.fixture(scope="module")
def assignment() -> LoadedAssignment:
    return load_assignment(ROOT)


def buckets(tree: Path, hash_seed: str) -> list[int]:
    """`app.evaluation.bucket` of `tree` for USERS on flag qa-01, in a process of its own."""
    program = f"from app.evaluation import bucket\nprint([bucket('qa-01', u) for u in {USERS!r}])"
    done = subprocess.run(
        [sys.executable, "-c", program], cwd=tree, env={"PYTHONHASHSEED": hash_seed},
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    found: list[int] = ast.literal_eval(done.stdout)
    return found


def contract_buckets() -> list[int]:
    """The hidden checks' own contract_bucket (hidden_tests/conftest.py) for USERS on qa-01."""
    spec = importlib.util.spec_from_file_location("flags_cache_hidden", HIDDEN / "conftest.py")
    assert spec is not None and spec.loader is not None
    hidden = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hidden)
    return [hidden.contract_bucket("qa-01", user) for user in USERS]


def test_the_service_runs_as_two_instances_with_their_own_hash_seeds(
    assignment: LoadedAssignment,
) -> None:
    """Without both, a cache kept in one process's memory and the starter's hash() bucket
    would look right to every hidden check (the checks ask each instance in turn)."""
    app = assignment.spec.app
    assert app is not None
    assert app.instances == 2
    assert app.env["PYTHONHASHSEED"] == "{instance}"  # 1 and 2: different, and reproducible


def test_the_starters_rollout_flickers_between_processes_and_the_solutions_does_not() -> None:
    """FLAG-12 as the brief tells it: the starter's bucket is Python's hash(), different in
    two processes; the solution's is the contract's, the same in both."""
    assert buckets(STARTER, "1") != buckets(STARTER, "2")
    assert buckets(SOLUTION, "1") == buckets(SOLUTION, "2") == contract_buckets()


def test_the_locustfile_asks_for_the_seeded_flags() -> None:
    """A load test of flags that do not exist would measure 404s, not the cache."""
    seed = (SOLUTION / "app" / "seed.py").read_text(encoding="utf-8")
    locustfile = (ROOT / "locustfile.py").read_text(encoding="utf-8")
    for constant in ("AREAS", "FEATURES"):
        assert _assigned(seed, constant) == _assigned(locustfile, constant)
    areas, features, qa = (_assigned(seed, name) for name in ("AREAS", "FEATURES", "QA_FLAGS"))
    assert isinstance(areas, tuple) and isinstance(features, tuple) and isinstance(qa, int)
    assert _assigned(locustfile, "FLAGS") == len(areas) * len(features) + qa


def _assigned(source: str, name: str) -> object:
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            return ast.literal_eval(node.value)
    raise AssertionError(f"{name} is not assigned")
