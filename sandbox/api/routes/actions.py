"""Actions: workflows, workflow runs and their logs, dispatches, access level for reuse."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from sandbox.actions import inputs as dispatch_inputs
from sandbox.actions import payloads
from sandbox.actions.triggers import WorkflowError, parse_workflow
from sandbox.actions.workflows import load_workflows
from sandbox.api.datefilter import date_filter
from sandbox.api.deps import SB, Base, Body, Who, page_slice, parse, respond
from sandbox.api.routes.jobs import find_run
from sandbox.api.shapes import actions as shapes
from sandbox.api.shapes.stored import repo_body, user_body
from sandbox.auth import Viewer, require_repo
from sandbox.context import Dispatcher, Sandbox
from sandbox.errors import ApiError, not_found
from sandbox.records import Issue, Repo, WorkflowRun

router = APIRouter()
WORKFLOWS = ".github/workflows"


class WorkflowDispatch(BaseModel):
    ref: str
    inputs: dict[str, Any] = Field(default_factory=dict)


class RepositoryDispatch(BaseModel):
    event_type: str = Field(min_length=1, max_length=100)
    client_payload: dict[str, Any] = Field(default_factory=dict)


class Access(BaseModel):
    access_level: Literal["none", "user", "organization", "enterprise"]


def _runner(sandbox: Sandbox) -> Dispatcher:
    if sandbox.runner is None:
        raise ApiError(422, "Actions are disabled on this sandbox (started with --no-actions).")
    return sandbox.runner


def run_body(
    sandbox: Sandbox, base: str, viewer: Viewer, repo: Repo, run: WorkflowRun
) -> dict[str, Any]:
    """A `workflow-run` body."""
    bare = sandbox.bare(repo)
    commit = shapes.head_commit(bare.commit(run.head_sha)) if bare.resolve(run.head_sha) else None
    api = f"{base}/repos/{repo.full_name}"
    nested = {"id": repo.id, "url": api, "name": repo.name}
    pulls = []
    for number in run.pull_numbers:
        issue = sandbox.store.find(Issue, repo.full_name.lower(), str(number))
        if issue and issue.pull:
            pulls.append(
                {
                    "id": issue.id,
                    "number": number,
                    "url": f"{api}/pulls/{number}",
                    "head": {"ref": issue.pull.head, "sha": issue.pull.head_sha, "repo": nested},
                    "base": {"ref": issue.pull.base, "sha": run.head_sha, "repo": nested},
                }
            )
    return shapes.workflow_run(
        base,
        run,
        user_body(sandbox, base, run.actor),
        repo_body(sandbox, base, viewer, repo),
        commit,
        pulls,
    )


def _filtered(request: Request, runs: list[WorkflowRun]) -> list[WorkflowRun]:
    q = request.query_params
    checks = {"event": "event", "branch": "head_branch", "head_sha": "head_sha", "actor": "actor"}
    for param, field in checks.items():
        if param in q:
            runs = [r for r in runs if getattr(r, field) == q[param]]
    if "status" in q:
        runs = [r for r in runs if q["status"] in (r.status, r.conclusion)]
    if "created" in q:
        try:
            keep = date_filter(q["created"])
        except ValueError as exc:
            raise ApiError(422, f"Invalid created filter: {q['created']}") from exc
        runs = [r for r in runs if keep(r.created_at)]
    return runs


def _runs_page(
    request: Request,
    sandbox: Sandbox,
    base: str,
    viewer: Viewer,
    repo: Repo,
    runs: list[WorkflowRun],
) -> Response:
    runs = _filtered(request, list(reversed(runs)))
    chunk, headers = page_slice(request, runs)
    bodies = [run_body(sandbox, base, viewer, repo, r) for r in chunk]
    return respond({"total_count": len(runs), "workflow_runs": bodies}, headers=headers)


@router.get("/repos/{owner}/{name}/actions/runs")
def list_runs(
    owner: str, name: str, request: Request, sandbox: SB, viewer: Who, base: Base
) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, area="actions")
    runs = sandbox.store.scan(WorkflowRun, repo.full_name.lower())
    return _runs_page(request, sandbox, base, viewer, repo, runs)


@router.get("/repos/{owner}/{name}/actions/runs/{run_id}")
def get_run(owner: str, name: str, run_id: int, sandbox: SB, viewer: Who, base: Base) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, area="actions")
    return respond(run_body(sandbox, base, viewer, repo, find_run(sandbox, repo, run_id)))


def _workflow_files(sandbox: Sandbox, repo: Repo) -> list[tuple[str, str]]:
    bare = sandbox.bare(repo)
    sha = bare.resolve(repo.default_branch)
    if sha is None or bare.entry(sha, WORKFLOWS) is None:
        return []
    found = []
    for entry in bare.list_dir(sha, WORKFLOWS):
        if entry.path.endswith((".yml", ".yaml")):
            try:
                parsed = parse_workflow(entry.path, bare.blob(entry.sha).decode(errors="replace"))
            except WorkflowError:
                continue
            found.append((entry.path, parsed.name))
    return found


def _find_workflow(sandbox: Sandbox, repo: Repo, key: str) -> tuple[str, str]:
    for path, title in _workflow_files(sandbox, repo):
        number = str(shapes.workflow_id(repo.full_name, path))
        if key in (number, path, path.rsplit("/", 1)[-1]):
            return path, title
    raise not_found()


@router.get("/repos/{owner}/{name}/actions/workflows")
def list_workflows(owner: str, name: str, sandbox: SB, viewer: Who, base: Base) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, area="actions")
    found = [
        shapes.workflow(base, repo.full_name, p, t, repo.created_at)
        for p, t in _workflow_files(sandbox, repo)
    ]
    return respond({"total_count": len(found), "workflows": found})


@router.get("/repos/{owner}/{name}/actions/workflows/{workflow}")
def get_workflow(
    owner: str, name: str, workflow: str, sandbox: SB, viewer: Who, base: Base
) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, area="actions")
    path, title = _find_workflow(sandbox, repo, workflow)
    return respond(shapes.workflow(base, repo.full_name, path, title, repo.created_at))


@router.get("/repos/{owner}/{name}/actions/workflows/{workflow}/runs")
def workflow_runs(
    owner: str, name: str, workflow: str, request: Request, sandbox: SB, viewer: Who, base: Base
) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, area="actions")
    path, _ = _find_workflow(sandbox, repo, workflow)
    runs = [r for r in sandbox.store.scan(WorkflowRun, repo.full_name.lower()) if r.path == path]
    return _runs_page(request, sandbox, base, viewer, repo, runs)


@router.post("/repos/{owner}/{name}/actions/workflows/{workflow}/dispatches")
def dispatch_workflow(
    owner: str, name: str, workflow: str, body: Body, sandbox: SB, viewer: Who, base: Base
) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, "push", "actions")
    spec = parse(body, WorkflowDispatch, "Workflow")
    path, _ = _find_workflow(sandbox, repo, workflow)
    ref = spec.ref if spec.ref.startswith("refs/") else f"refs/heads/{spec.ref}"
    bare = sandbox.bare(repo)
    sha = bare.resolve(ref)
    if sha is None and not spec.ref.startswith("refs/"):
        ref = f"refs/tags/{spec.ref}"
        sha = bare.resolve(ref)
    if sha is None:
        raise ApiError(422, f"No ref found for: {spec.ref}")
    found = [w for w, _ in load_workflows(bare, sha) if w.path == path]
    if not found or "workflow_dispatch" not in found[0].on:
        raise ApiError(422, "Workflow does not have 'workflow_dispatch' trigger")
    try:
        inputs = dispatch_inputs.resolve(dispatch_inputs.declared(found[0].on), spec.inputs)
    except dispatch_inputs.InputError as exc:
        raise ApiError(422, str(exc)) from exc
    payload = payloads.workflow_dispatch(
        sandbox, base, repo, ref, path, inputs, viewer.require_login()
    )
    _runner(sandbox).dispatch(
        repo, "workflow_dispatch", sha, ref, payload, viewer.require_login(), only=path
    )
    return respond(None, 204)


@router.post("/repos/{owner}/{name}/dispatches")
def repository_dispatch(
    owner: str, name: str, body: Body, sandbox: SB, viewer: Who, base: Base
) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, "push", "contents")
    spec = parse(body, RepositoryDispatch, "Dispatch")
    ref = f"refs/heads/{repo.default_branch}"
    sha = sandbox.bare(repo).resolve(ref)
    if sha is None:
        raise ApiError(422, "The repository is empty.")
    payload = payloads.repository_dispatch(
        sandbox, base, repo, spec.event_type, spec.client_payload, viewer.require_login()
    )
    _runner(sandbox).dispatch(
        repo,
        "repository_dispatch",
        sha,
        ref,
        payload,
        viewer.require_login(),
        dispatch_type=spec.event_type,
    )
    return respond(None, 204)


@router.get("/repos/{owner}/{name}/actions/permissions/access")
def get_access(owner: str, name: str, sandbox: SB, viewer: Who) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, "admin", "administration")
    return respond({"access_level": repo.actions_access})


@router.put("/repos/{owner}/{name}/actions/permissions/access")
def set_access(owner: str, name: str, body: Body, sandbox: SB, viewer: Who) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, "admin", "administration")
    repo.actions_access = parse(body, Access, "Repository").access_level
    sandbox.store.save(repo)
    return respond(None, 204)
