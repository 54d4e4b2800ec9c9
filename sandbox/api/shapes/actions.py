"""Workflows and workflow runs in GitHub's shape."""

from __future__ import annotations

import zlib
from typing import Any

from sandbox.api.shapes.accounts import node_id
from sandbox.git.repos import CommitInfo
from sandbox.records import WorkflowRun


def workflow_id(full_name: str, path: str) -> int:
    """A stable id for the workflow file `path` of a repository."""
    return zlib.crc32(f"{full_name.lower()}:{path}".encode()) & 0x7FFFFFFF


def workflow(base: str, full_name: str, path: str, name: str, created_at: str) -> dict[str, Any]:
    """A `workflow`."""
    number = workflow_id(full_name, path)
    api = f"{base}/repos/{full_name}/actions/workflows/{number}"
    return {
        "id": number,
        "node_id": node_id("W", number),
        "name": name,
        "path": path,
        "state": "active",
        "created_at": created_at,
        "updated_at": created_at,
        "url": api,
        "html_url": f"{base}/{full_name}/blob/HEAD/{path}",
        "badge_url": f"{base}/{full_name}/workflows/{path.rsplit('/', 1)[-1]}/badge.svg",
    }


def head_commit(info: CommitInfo) -> dict[str, Any]:
    """A `simple-commit`."""
    return {
        "id": info.sha,
        "tree_id": info.tree,
        "message": info.message,
        "timestamp": info.committer_date,
        "author": {"name": info.author.name, "email": info.author.email},
        "committer": {"name": info.committer.name, "email": info.committer.email},
    }


def workflow_run(
    base: str,
    run: WorkflowRun,
    actor: dict[str, Any],
    repo: dict[str, Any],
    commit: dict[str, Any] | None,
    pulls: list[dict[str, Any]],
) -> dict[str, Any]:
    """A `workflow-run`."""
    api = f"{base}/repos/{run.repo}/actions/runs/{run.id}"
    number = workflow_id(run.repo, run.path)
    return {
        "id": run.id,
        "name": run.name,
        "node_id": node_id("WFR", run.id),
        "check_suite_id": run.id,
        "check_suite_node_id": node_id("CS", run.id),
        "head_branch": run.head_branch,
        "head_sha": run.head_sha,
        "path": run.path,
        "run_number": run.run_number,
        "run_attempt": 1,
        "event": run.event,
        "display_title": commit["message"].split("\n")[0] if commit else run.name,
        "status": run.status,
        "conclusion": run.conclusion,
        "workflow_id": number,
        "url": api,
        "html_url": f"{base}/{run.repo}/actions/runs/{run.id}",
        "pull_requests": pulls,
        "created_at": run.created_at,
        "updated_at": run.updated_at,
        "run_started_at": run.run_started_at,
        "actor": actor,
        "triggering_actor": actor,
        "jobs_url": f"{api}/jobs",
        "logs_url": f"{api}/logs",
        "check_suite_url": f"{base}/repos/{run.repo}/check-suites/{run.id}",
        "artifacts_url": f"{api}/artifacts",
        "cancel_url": f"{api}/cancel",
        "rerun_url": f"{api}/rerun",
        "workflow_url": f"{base}/repos/{run.repo}/actions/workflows/{number}",
        "head_commit": commit,
        "repository": repo,
        "head_repository": repo,
    }


def job_id(run_id: int, index: int) -> int:
    """Job ids derive from their run's (jobs are not stored apart from the run's log)."""
    return run_id * 1000 + index + 1


def job(
    base: str,
    run: WorkflowRun,
    index: int,
    name: str,
    conclusion: str | None,
    steps: list[tuple[str, str]],
) -> dict[str, Any]:
    """A `job` of a workflow run."""
    number = job_id(run.id, index)
    api = f"{base}/repos/{run.repo}/actions"
    started = run.run_started_at or run.created_at
    done = run.status == "completed" or conclusion is not None  # a job ends before its run
    return {
        "id": number,
        "run_id": run.id,
        "run_url": f"{api}/runs/{run.id}",
        "run_attempt": 1,
        "node_id": node_id("J", number),
        "head_sha": run.head_sha,
        "head_branch": run.head_branch,
        "url": f"{api}/jobs/{number}",
        "html_url": f"{base}/{run.repo}/actions/runs/{run.id}/job/{number}",
        "status": "completed" if done else run.status,
        "conclusion": (conclusion or run.conclusion) if done else None,
        "created_at": run.created_at,
        "started_at": started,
        "completed_at": run.updated_at if done else None,
        "name": name,
        "steps": [
            {
                "name": step,
                "status": "completed",
                "conclusion": result,
                "number": i + 1,
                "started_at": started,
                "completed_at": run.updated_at,
            }
            for i, (step, result) in enumerate(steps)
        ],
        "check_run_url": f"{base}/repos/{run.repo}/check-runs/{number}",
        "labels": ["ubuntu-latest"],
        "runner_id": 1,
        "runner_name": "sandbox (act, host mode)",
        "runner_group_id": 1,
        "runner_group_name": "sandbox",
        "workflow_name": run.name,
    }


def artifact(
    base: str, run: WorkflowRun, number: int, name: str, size: int, stamp: str
) -> dict[str, Any]:
    """An `artifact` of a workflow run."""
    api = f"{base}/repos/{run.repo}/actions/artifacts/{number}"
    return {
        "id": number,
        "node_id": node_id("MDg6QXJ0aWZhY3Q", number),
        "name": name,
        "size_in_bytes": size,
        "url": api,
        "archive_download_url": f"{api}/zip",
        "expired": False,
        "created_at": stamp,
        "updated_at": stamp,
        "expires_at": None,
        "workflow_run": {
            "id": run.id,
            "repository_id": 0,
            "head_repository_id": 0,
            "head_branch": run.head_branch or "",
            "head_sha": run.head_sha,
        },
    }
