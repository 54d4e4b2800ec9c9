"""The types stage's warm start (graders.running.type_cache) on real mypy runs: a grading
checks the same with the seed as without it, a submission cannot put anything of its own into
the seed another grading starts from, and a seed mypy could not build is not retried."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from graders.model.assignment import load_assignment
from graders.model.report import GradeReport, Submission
from graders.running import type_cache
from graders.running.engine import grade_submission
from graders.stages import types
from graders.stages.context import StageContext, SubmissionEnv
from graders.stages.install import ensure_environment
from tests.conftest import ROOT

pytestmark = pytest.mark.slow
TASKS_API = ROOT / "templates" / "tasks-api"
ONLY_TYPES = frozenset({"tests", "hidden", "test_quality", "lint", "load"})
# A learner's own `pydantic` package at the top of the repository shadows the library's.
# Its names go into mypy's cache of the grading (a naive seed, that cache kept, would hold it).
SHADOW = "BaseModel = 3\nMARKER_OF_THE_LEARNER = 1\n"


@pytest.fixture
def seeds(grading_runs: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The seeds of this test alone (the environment cache stays the shared one, and holds
    the starter's environment: a seed is made only for an environment graded with before)."""
    environment(grading_runs)
    root = grading_runs / "seed-root"
    root.mkdir()
    monkeypatch.setattr(type_cache, "cache_root", lambda: root)
    return root / "mypy-seeds"


def environment(work: Path) -> SubmissionEnv:
    assignment = load_assignment(TASKS_API)
    ctx = StageContext(assignment, TASKS_API / "starter", work, None, None)
    env, _ = ensure_environment(ctx, assignment.spec.stages.install.extra_requirements)
    return env


def findings(folder: Path) -> list[tuple[str, int, str, str]]:
    report: GradeReport = grade_submission(
        load_assignment(TASKS_API),
        folder,
        hidden_tests=TASKS_API / "hidden_tests",
        skip=ONLY_TYPES,
        submission_info=Submission(path=folder.name),
    )
    stage = report.stage("types")
    assert stage is not None and stage.status in ("passed", "failed"), stage
    return [(f.file, f.line, f.rule, f.message) for f in stage.findings]


def cold(folder: Path, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int, str, str]]:
    with monkeypatch.context() as patch:
        patch.setattr(types, "seed_cache", lambda *_: False)
        return findings(folder)


def submission(tmp_path: Path, name: str, shadow: bool = False) -> Path:
    folder = tmp_path / name
    shutil.copytree(TASKS_API / "starter", folder)
    if shadow:
        (folder / "pydantic").mkdir()
        (folder / "pydantic" / "__init__.py").write_text(SHADOW)
    return folder


def test_a_seeded_check_finds_what_a_cold_one_does_and_the_seed_is_built_once(
    seeds: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    starter = submission(tmp_path, "starter")
    seeded = findings(starter)
    [seed] = [p for p in seeds.iterdir() if p.is_dir()]
    built = seed.stat().st_mtime_ns
    assert findings(starter) == seeded  # the second grading reuses it
    assert [p for p in seeds.iterdir() if p.is_dir()] == [seed]
    assert seed.stat().st_mtime_ns == built
    assert seeded == cold(starter, monkeypatch)
    assert seeded, "the starter has type errors to find"


def test_a_module_that_shadows_a_library_changes_no_other_grading(
    seeds: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shadowing = submission(tmp_path, "shadowing", shadow=True)
    honest = submission(tmp_path, "honest")
    shadowed = findings(shadowing)
    assert shadowed == cold(shadowing, monkeypatch)  # the shadow is checked afresh
    assert any("pydantic" in message for *_, message in shadowed)
    assert findings(honest) == cold(honest, monkeypatch)  # the honest one sees the library
    for path in seeds.rglob("*"):  # nothing of the learner's went into the seed
        assert not path.is_file() or b"MARKER_OF_THE_LEARNER" not in path.read_bytes(), path


def test_a_seed_mypy_cannot_build_is_tried_once_and_the_check_runs_cold(
    seeds: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    starter = submission(tmp_path, "starter")
    expected = cold(starter, monkeypatch)
    probes = []

    def probe_fails(*args: object) -> bool:
        probes.append(args)
        return False

    monkeypatch.setattr(type_cache, "_build", probe_fails)
    assert findings(starter) == expected
    assert findings(starter) == expected
    assert len(probes) == 1
    assert not [p for p in seeds.iterdir() if p.is_dir()]


def test_an_environment_built_for_this_grading_gets_no_seed(seeds: Path, tmp_path: Path) -> None:
    """A practice grade on a fresh runner grades once: a seed would cost more than it saves."""
    starter = submission(tmp_path, "starter")
    fresh = SubmissionEnv(python=environment(tmp_path).python, reused=False)
    assignment = load_assignment(TASKS_API)
    (tmp_path / "work").mkdir()
    ctx = StageContext(assignment, starter, tmp_path / "work", None, fresh)
    result = types.run(ctx)
    assert not seeds.exists() or not [p for p in seeds.iterdir() if p.is_dir()]
    assert [(f.file, f.line, f.rule, f.message) for f in result.findings] == findings(starter)
