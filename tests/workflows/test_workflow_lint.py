"""Every workflow file of the project and of every starter: actionlint and zizmor find nothing,
and the hardening rules of DESIGN.md hold (checked on the parsed YAML, not by the linters)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from orchestrator.course import Course
from orchestrator.official.record import FETCH_JOB, GRADE_JOB
from orchestrator.official.schedule import deadline_crons, render_official

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
OFFICIAL = ROOT / "orchestrator" / "templates" / "course" / "workflows" / "official.yml"
WORKFLOWS = sorted(
    [
        *(ROOT / ".github" / "workflows").glob("*.yml"),
        *(ROOT / "templates").glob("*/starter/.github/workflows/*.yml"),
        ROOT / "orchestrator" / "templates" / "join" / "join.yml",
        *OFFICIAL.parent.glob("*.yml"),
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
    assert "orchestrator/templates/course/workflows/official.yml" in names


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


def test_the_job_that_writes_installs_the_reporter_alone_and_restores_no_cache():
    """A cache can be saved by any job of the repository, the grade job (which runs learner
    code) included: the job holding the write token restores none, and installs nothing but
    the reporter from the grader's pinned checkout."""
    report = _jobs(ROOT / ".github" / "workflows" / "grade.yml")["report"]
    uses = [s.get("uses", "").split("@")[0] for s in report["steps"]]
    assert "actions/cache" not in uses and "actions/cache/restore" not in uses
    [setup_uv] = [s for s in report["steps"] if s.get("uses", "").startswith("astral-sh/setup-uv@")]
    assert setup_uv["with"]["enable-cache"] is False
    installs = [s["run"] for s in report["steps"] if "install" in s.get("run", "")]
    assert installs == ["uv pip install --quiet ./grader/reporter"]


def test_the_grade_jobs_cache_is_keyed_by_the_grader_commit():
    grade = _jobs(ROOT / ".github" / "workflows" / "grade.yml")["grade"]
    [setup_uv] = [s for s in grade["steps"] if s.get("uses", "").startswith("astral-sh/setup-uv@")]
    assert "inputs.grader-ref" in setup_uv["with"]["cache-suffix"]
    assert setup_uv["with"]["cache-dependency-glob"] == "grader/pyproject.toml"


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


# --- the course repository's official workflow, as course push writes it -------------------


def rendered_official(tmp_path: Path) -> Path:
    """official.yml with deadlines, an extension, a grading repository and 5 jobs at once."""
    course = Course.model_validate(
        {
            "org": "school",
            "grading_repo": "classroom",
            "assignments": {
                "tasks-api": {
                    "deadline": "2026-12-06T23:59:00Z",
                    "extensions": {"ada": "2026-12-08T23:59:00+01:00"},
                }
            },
        }
    )
    text = render_official(OFFICIAL.read_text(), deadline_crons(course), "school/classroom", 5)
    path = tmp_path / ".github" / "workflows" / "official.yml"
    path.parent.mkdir(parents=True)
    path.write_text(text)
    return path


def test_the_official_workflow_as_course_push_writes_it_lints_clean(tmp_path):
    path = rendered_official(tmp_path)
    spec = yaml.safe_load(path.read_text())
    triggers = spec[True]
    assert [c["cron"] for c in triggers["schedule"]] == ["59 23 6 12 *", "59 22 8 12 *"]
    assert spec["env"] == {"GRADING_REPOSITORY": "school/classroom"}
    jobs = spec["jobs"]
    assert (
        jobs["grade"]["strategy"]["max-parallel"] == jobs["fetch"]["strategy"]["max-parallel"] == 5
    )
    result = lint("actionlint", "-no-color", str(path))
    assert result.returncode == 0, result.stdout + result.stderr
    result = lint("zizmor", "--offline", "--persona", "pedantic", str(path))
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_official_job_that_runs_learner_code_holds_nothing_and_only_record_writes():
    jobs = _jobs(OFFICIAL)
    assert jobs["grade"]["permissions"] == {}
    assert "secrets" not in str(jobs["grade"]) and "github.token" not in str(jobs["grade"])
    assert all("checkout" not in s.get("uses", "") for s in jobs["grade"]["steps"])
    writes = {name for name, job in jobs.items() if "write" in str(job["permissions"])}
    assert writes == {"record"} and jobs["record"]["permissions"] == {"contents": "write"}
    for job in jobs.values():
        for step in job.get("steps", []):
            if "checkout" in step.get("uses", ""):
                assert step["with"]["persist-credentials"] is False, step
    runs = [s.get("run", "") for job in jobs.values() for s in job.get("steps", [])]
    assert runs and not [run for run in runs if "${{" in run]  # values travel through env
    record_runs = " ".join(s.get("run", "") for s in jobs["record"]["steps"])
    assert "classroom grade" not in record_runs and "official-job grade" not in record_runs


def test_the_matrix_jobs_are_named_as_the_record_job_reads_them():
    jobs = _jobs(OFFICIAL)
    fetch = jobs["fetch"]["name"].replace("${{ matrix.part }}", "3")
    grade = jobs["grade"]["name"].replace("${{ matrix.chunk }}", "3")
    assert FETCH_JOB.match(fetch) and GRADE_JOB.match(grade)
