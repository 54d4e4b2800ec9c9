"""The course repository's official grading, in small, through act: dispatch with inputs, a
matrix of powerless grade jobs passing artifacts, a record job that runs whatever happened and
writes to a learner's private repository with a secret instructor token; and a lost runner."""

from __future__ import annotations

import io
import time
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from sandbox.seeding import seed

WORKFLOW = (Path(__file__).parents[1] / "fixtures" / "sandbox" / "official-like.yml").read_text()


@pytest.fixture
def course(running_actions):
    """school/course (private, the workflow, an issue, the instructor token as a secret) and
    school/hw-learner (private, an issue): what official grading reaches."""
    school = seed(running_actions.sandbox, "school", 1, running_actions.url)
    org = running_actions.github(school.instructor.token).get_organization("school")
    learner = org.create_repo("hw-learner", private=True, auto_init=True)
    learner.create_issue("hw1")
    repo = org.create_repo("course", private=True, auto_init=True)
    repo.create_issue("official runs")
    repo.create_secret("INSTRUCTOR_TOKEN", school.instructor.token)
    repo.create_file(".github/workflows/official.yml", "official", WORKFLOW)
    assert running_actions.sandbox.runner.wait_idle(60)
    return repo, learner


def _log(running, run) -> str:
    return (running.sandbox.config.logs_dir / f"{run.id}.log").read_text()


def _dispatch(repo, **inputs):
    workflow = repo.get_workflow("official.yml")
    assert workflow.create_dispatch("main", {"assignment": "hw1", **inputs})
    return workflow


@pytest.mark.slow
def test_dispatched_matrix_passes_artifacts_and_records_with_a_secret(running_actions, course):
    repo, learner = course
    workflow = _dispatch(repo, notify=True)
    assert running_actions.sandbox.runner.wait_idle(90)
    [run] = list(workflow.get_runs(event="workflow_dispatch", created=f">={run_day()}"))
    assert [r.id for r in workflow.get_runs(head_sha=repo.get_branch("main").commit.sha)] == [
        run.id
    ]
    assert list(workflow.get_runs(created="<2000-01-01")) == []
    log = _log(running_actions, run)
    assert run.conclusion == "success", log
    assert "| planning hw1 notify=true" in log
    assert "| chunk 0: reading contents with its own token answered 403" in log
    assert "| chunk 1: reading contents with its own token answered 403" in log
    assert "| graded: chunk 0" in log and "| graded: chunk 1" in log
    assert "| not graded" not in log
    assert "| own issue comment: 201" in log
    assert "| learner comment with the job token: 404" in log  # another private repo
    assert "| learner comment: 201" in log and "| learner issue edit: 200" in log
    assert "| learner push: done" in log
    assert [(j.name, j.conclusion) for j in run.jobs()] == [
        ("plan", "success"),
        ("grade (0)", "success"),
        ("grade (1)", "success"),
        ("record", "success"),
    ]
    artifacts = {a.name: a for a in run.get_artifacts()}
    assert sorted(artifacts) == ["grade-0", "grade-1", "log-0", "log-1"]
    assert repo.get_artifact(artifacts["grade-1"].id).size_in_bytes == len('{"chunk": "1"}\n')
    archive = httpx.get(
        artifacts["grade-1"].archive_download_url,
        headers={"Authorization": f"token {repo._requester.auth.token}"},
    )
    with zipfile.ZipFile(io.BytesIO(archive.content)) as unzipped:
        assert unzipped.read("chunk-1.json") == b'{"chunk": "1"}\n'
    assert [c.body for c in learner.get_issue(1).get_comments()] == ["official grade: 90"]
    assert learner.get_issue(1).title == "hw1: graded"
    assert learner.get_contents("GRADE.txt", ref="grades").decoded_content == b"90\n"
    assert running_actions.sandbox.admin_token not in log


@pytest.mark.slow
def test_a_killed_grade_job_fails_and_the_record_job_still_runs(running_actions, course):
    repo, _ = course
    workflow = _dispatch(repo, slow_chunk="1")
    run_id = _wait_for_run(workflow)
    answer = _kill_when_running(running_actions, run_id, {"job": "grade", "matrix": {"chunk": 1}})
    assert answer.json() == {"run_id": run_id, "killed": ["grade (1)"]}
    assert running_actions.sandbox.runner.wait_idle(90)
    run = repo.get_workflow_run(run_id)
    log = _log(running_actions, run)
    assert run.conclusion == "failure", log
    assert "| graded: chunk 0" in log and "| not graded: chunk 1 (its runner was lost)" in log
    assert "lost communication with the server" in log
    jobs = {j.name: j.conclusion for j in run.jobs()}
    assert jobs == {
        "plan": "success",
        "grade (0)": "success",
        "grade (1)": "failure",
        "record": "success",
    }
    assert sorted(a.name for a in run.get_artifacts()) == ["grade-0", "log-0"]


def run_day() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d")


def _wait_for_run(workflow) -> int:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        runs = list(workflow.get_runs())
        if runs:
            return runs[0].id
        time.sleep(0.1)
    raise AssertionError("the dispatch started no run")


def _kill_when_running(running, run_id: int, body: dict) -> httpx.Response:
    """The kill route answers 409 until the job has a process to kill."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        answer = running.admin("POST", f"runs/{run_id}/kill", body)
        if answer.status_code == 200:
            return answer
        assert answer.status_code == 409, answer.text
        time.sleep(0.2)
    raise AssertionError("the job never ran")
