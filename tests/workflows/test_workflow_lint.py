"""Every workflow file of the project and of every starter: actionlint and zizmor find nothing,
and the hardening rules of DESIGN.md hold (checked on the parsed YAML, not by the linters)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
WORKFLOWS = sorted(
    [
        *(ROOT / ".github" / "workflows").glob("*.yml"),
        *(ROOT / "templates").glob("*/starter/.github/workflows/*.yml"),
        ROOT / "orchestrator" / "templates" / "join" / "join.yml",
    ]
)
UNSAFE = """\
name: unsafe
on: pull_request_target
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          ref: ${{ github.event.pull_request.head.sha }}
      - run: echo "${{ github.event.pull_request.title }}"
"""


def lint(tool: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / tool), *args], capture_output=True, text=True, timeout=120, check=False
    )


def test_there_are_workflows_to_check():
    names = {p.relative_to(ROOT).as_posix() for p in WORKFLOWS}
    assert ".github/workflows/grade.yml" in names
    assert "templates/tasks-api/starter/.github/workflows/classroom.yml" in names
    assert "orchestrator/templates/join/join.yml" in names


def test_actionlint_finds_nothing():
    result = lint("actionlint", "-no-color", *map(str, WORKFLOWS))
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_finds_nothing_even_pedantic():
    result = lint("zizmor", "--offline", "--persona", "pedantic", *map(str, WORKFLOWS))
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_linters_do_catch_an_unsafe_workflow(tmp_path):
    bad = tmp_path / "unsafe.yml"
    bad.write_text(UNSAFE)
    assert lint("zizmor", "--offline", str(bad)).returncode != 0
    assert lint("actionlint", "-no-color", str(bad)).returncode != 0


def _jobs(path: Path) -> dict[str, dict]:
    return yaml.safe_load(path.read_text())["jobs"]


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_least_privilege_and_no_event_text_in_scripts(path):
    spec = yaml.safe_load(path.read_text())
    triggers = spec.get(True, spec.get("on"))  # YAML 1.1 reads the key `on` as True
    assert "pull_request_target" not in triggers
    assert spec["permissions"] == {}
    for name, job in _jobs(path).items():
        assert "permissions" in job, f"{path.name}: job {name} sets no permissions"
        for step in job.get("steps", []):
            assert "github.event" not in step.get("run", ""), f"{path.name}: {step}"


def test_the_job_that_runs_learner_code_can_only_read():
    grade = _jobs(ROOT / ".github" / "workflows" / "grade.yml")
    assert grade["grade"]["permissions"] == {"contents": "read"}
    checkouts = [s for s in grade["grade"]["steps"] if "checkout" in s.get("uses", "")]
    assert all(s["with"]["persist-credentials"] is False for s in checkouts)
    assert "secrets" not in str(grade["grade"])
    report_steps = " ".join(s.get("run", "") for s in grade["report"]["steps"])
    assert "classroom grade" not in report_steps and "pytest" not in report_steps


def test_the_front_desk_reads_no_issue_text_and_runs_nothing_but_classroom():
    """The desk holds the instructor's token and runs on issues anyone can open: no event
    value reaches it but through the command's own API reads, and nothing else is run."""
    path = ROOT / "orchestrator" / "templates" / "join" / "join.yml"
    text = path.read_text()
    assert "github.event" not in text and "inputs." not in text
    [job] = _jobs(path).values()
    assert job["permissions"] == {"issues": "write"}
    runs = [s["run"] for s in job["steps"] if "run" in s]
    assert runs == [
        'python -m pip install --quiet --disable-pip-version-check "./grader[instructor]"',
        'classroom join answer --course course --desk "$GITHUB_REPOSITORY"',
    ]
    checkouts = [s for s in job["steps"] if "checkout" in s.get("uses", "")]
    assert all(s["with"]["persist-credentials"] is False for s in checkouts)
    spec = yaml.safe_load(text)
    assert spec["concurrency"] == {"group": "join-desk", "cancel-in-progress": False}
