"""Workflow runs' logs and jobs (read back from act's JSON log), and their artifacts."""

from __future__ import annotations

import contextlib
import io
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, RedirectResponse, Response

from sandbox.actions.execute import artifacts_dir
from sandbox.actions.joblog import JobLog, parse_jobs
from sandbox.actions.livelog import live_log_path
from sandbox.api.deps import SB, Base, Who, page_slice, respond
from sandbox.api.shapes import actions as shapes
from sandbox.auth import require_repo
from sandbox.context import Sandbox
from sandbox.errors import not_found
from sandbox.records import Repo, WorkflowRun

router = APIRouter()


def find_run(sandbox: Sandbox, repo: Repo, run_id: int) -> WorkflowRun:
    """The run `run_id` of `repo` (404 for another repository's)."""
    run = sandbox.store.get(WorkflowRun, run_id)
    if run is None or run.repo.lower() != repo.full_name.lower():
        raise not_found()
    return run


@router.get("/repos/{owner}/{name}/actions/runs/{run_id}/logs")
def run_logs(owner: str, name: str, run_id: int, sandbox: SB, viewer: Who, base: Base) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, area="actions")
    find_run(sandbox, repo, run_id)
    target = f"{base}/repos/{repo.full_name}/actions/runs/{run_id}/logs/archive.zip"
    return RedirectResponse(target, status_code=302)


@router.get("/repos/{owner}/{name}/actions/runs/{run_id}/logs/archive.zip")
def run_logs_archive(owner: str, name: str, run_id: int, sandbox: SB, viewer: Who) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, area="actions")
    run = find_run(sandbox, repo, run_id)
    path = sandbox.config.logs_dir / f"{run.id}.log"
    if run.status != "completed" or not path.exists():
        raise not_found()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"0_{run.name}.txt", path.read_bytes())
    return Response(buffer.getvalue(), media_type="application/zip")


def _job_logs(sandbox: Sandbox, run: WorkflowRun) -> list[JobLog]:
    """The run's jobs from its whole log once it ended, from act's live records before."""
    logs = sandbox.config.logs_dir
    for path in (logs / f"{run.id}.jsonl", live_log_path(logs, run.id)):
        with contextlib.suppress(FileNotFoundError):  # the live one goes as the run ends
            return parse_jobs(path.read_text(), run.job_names)
    return []


def _jobs(sandbox: Sandbox, base: str, run: WorkflowRun) -> list[dict[str, Any]]:
    found = _job_logs(sandbox, run)
    return [
        shapes.job(base, run, i, j.name, j.conclusion, [(s.name, s.conclusion) for s in j.steps])
        for i, j in enumerate(found)
    ]


@router.get("/repos/{owner}/{name}/actions/runs/{run_id}/jobs")
def run_jobs(owner: str, name: str, run_id: int, sandbox: SB, viewer: Who, base: Base) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, area="actions")
    jobs = _jobs(sandbox, base, find_run(sandbox, repo, run_id))
    return respond({"total_count": len(jobs), "jobs": jobs})


def _job(sandbox: Sandbox, repo: Repo, job_id: int) -> tuple[WorkflowRun, int]:
    run = find_run(sandbox, repo, job_id // 1000)
    return run, job_id % 1000 - 1


@router.get("/repos/{owner}/{name}/actions/jobs/{job_id}")
def get_job(owner: str, name: str, job_id: int, sandbox: SB, viewer: Who, base: Base) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, area="actions")
    run, index = _job(sandbox, repo, job_id)
    jobs = _jobs(sandbox, base, run)
    if not 0 <= index < len(jobs):
        raise not_found()
    return respond(jobs[index])


@router.get("/repos/{owner}/{name}/actions/jobs/{job_id}/logs")
def job_logs(owner: str, name: str, job_id: int, sandbox: SB, viewer: Who, base: Base) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, area="actions")
    target = f"{base}/repos/{repo.full_name}/actions/jobs/{job_id}/logs/text"
    return RedirectResponse(target, status_code=302)


@router.get("/repos/{owner}/{name}/actions/jobs/{job_id}/logs/text")
def job_logs_text(owner: str, name: str, job_id: int, sandbox: SB, viewer: Who) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, area="actions")
    run, index = _job(sandbox, repo, job_id)
    found = _job_logs(sandbox, run)
    if not 0 <= index < len(found):
        raise not_found()
    return PlainTextResponse("\n".join(found[index].lines) + "\n")


def _artifacts(sandbox: Sandbox, run: WorkflowRun) -> list[tuple[int, Path]]:
    """(artifact id, folder) of a run's artifacts, by name; ids derive from the run's."""
    folder = artifacts_dir(sandbox.config.logs_dir, run.id)
    names = sorted(p for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []
    return [(shapes.job_id(run.id, i), path) for i, path in enumerate(names)]


def _artifact_body(base: str, run: WorkflowRun, number: int, path: Path) -> dict[str, Any]:
    files = [f for f in path.rglob("*") if f.is_file()]
    stamp = datetime.fromtimestamp(path.stat().st_mtime, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return shapes.artifact(
        base, run, number, path.name, sum(f.stat().st_size for f in files), stamp
    )


@router.get("/repos/{owner}/{name}/actions/runs/{run_id}/artifacts")
def run_artifacts(
    owner: str, name: str, run_id: int, request: Request, sandbox: SB, viewer: Who, base: Base
) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, area="actions")
    run = find_run(sandbox, repo, run_id)
    wanted = request.query_params.get("name")
    found = [(n, p) for n, p in _artifacts(sandbox, run) if wanted in (None, p.name)]
    chunk, headers = page_slice(request, found)
    bodies = [_artifact_body(base, run, n, p) for n, p in chunk]
    return respond({"total_count": len(found), "artifacts": bodies}, headers=headers or None)


def _artifact(sandbox: Sandbox, repo: Repo, artifact_id: int) -> tuple[WorkflowRun, int, Path]:
    run = find_run(sandbox, repo, artifact_id // 1000)
    for number, path in _artifacts(sandbox, run):
        if number == artifact_id:
            return run, number, path
    raise not_found()


@router.get("/repos/{owner}/{name}/actions/artifacts/{artifact_id}")
def get_artifact(
    owner: str, name: str, artifact_id: int, sandbox: SB, viewer: Who, base: Base
) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, area="actions")
    return respond(_artifact_body(base, *_artifact(sandbox, repo, artifact_id)))


@router.get("/repos/{owner}/{name}/actions/artifacts/{artifact_id}/zip")
def artifact_zip(owner: str, name: str, artifact_id: int, sandbox: SB, viewer: Who) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, area="actions")
    _, _, path = _artifact(sandbox, repo, artifact_id)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(f for f in path.rglob("*") if f.is_file()):
            archive.write(file, file.relative_to(path).as_posix())
    return Response(buffer.getvalue(), media_type="application/zip")
