"""`classroom publish` pins a starter's learner workflow to the course's grading repository."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from orchestrator.grading_pin import Pin

ROOT = Path(__file__).resolve().parents[2]
STARTER = ROOT / "templates" / "tasks-api" / "starter"
SHA = "3f1c" * 10


def test_the_workflow_and_the_grader_are_pinned_to_one_commit(tmp_path):
    tree = tmp_path / "starter"
    shutil.copytree(STARTER / ".github", tree / ".github")
    assert Pin("my-org/classroom", SHA).apply_to(tree) == [
        tree / ".github" / "workflows" / "classroom.yml"
    ]
    job = yaml.safe_load((tree / ".github" / "workflows" / "classroom.yml").read_text())["jobs"]
    grade = job["grade"]
    assert grade["uses"] == f"my-org/classroom/.github/workflows/grade.yml@{SHA}"
    assert grade["with"]["grader-repository"] == "my-org/classroom"
    assert grade["with"]["grader-ref"] == SHA
    assert Pin("my-org/classroom", SHA).apply_to(tree) == []  # publishing again changes nothing


def test_pinning_again_moves_the_pin():
    text = (STARTER / ".github" / "workflows" / "classroom.yml").read_text()
    once = Pin("a/b", "1" * 40).apply(text)
    twice = Pin("c/d", "2" * 40).apply(once)
    assert "a/b" not in twice and "1" * 40 not in twice
    assert twice.count("2" * 40) == 2
