"""Check runs (with output and annotations) and commit statuses."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from sandbox.api.deps import SB, Base, Body, Who, page, parse, respond
from sandbox.api.shapes import checks as shapes
from sandbox.api.shapes.stored import repo_body, user_body
from sandbox.auth import Viewer, require_repo
from sandbox.context import Sandbox
from sandbox.errors import ApiError, forbidden, not_found
from sandbox.records import CheckRun, Issue, Repo, Status, now

router = APIRouter()
MAX_ANNOTATIONS = 50


class Annotation(BaseModel):
    path: str
    start_line: int
    end_line: int
    start_column: int | None = None
    end_column: int | None = None
    annotation_level: Literal["notice", "warning", "failure"]
    message: str
    title: str | None = None
    raw_details: str | None = None


class Output(BaseModel):
    title: str | None = None
    summary: str | None = None
    text: str | None = None
    annotations: list[Annotation] = Field(default_factory=list, max_length=MAX_ANNOTATIONS)


class CheckSpec(BaseModel):
    name: str | None = None
    head_sha: str | None = None
    details_url: str | None = None
    external_id: str | None = None
    status: Literal["queued", "in_progress", "completed"] | None = None
    conclusion: (
        Literal[
            "action_required",
            "cancelled",
            "failure",
            "neutral",
            "success",
            "skipped",
            "stale",
            "timed_out",
        ]
        | None
    ) = None
    started_at: str | None = None
    completed_at: str | None = None
    output: Output | None = None


class StatusSpec(BaseModel):
    state: Literal["error", "failure", "pending", "success"]
    target_url: str | None = None
    description: str | None = None
    context: str = "default"


def _app_only(viewer: Viewer) -> None:
    """Only GitHub Apps (here: workflow tokens) may write check runs, as on GitHub."""
    if not viewer.is_workflow:
        raise forbidden("You must authenticate via a GitHub App.")


def _pulls_for(sandbox: Sandbox, base: str, repo: Repo, sha: str) -> list[dict[str, Any]]:
    api = f"{base}/repos/{repo.full_name}"
    nested = {"id": repo.id, "url": api, "name": repo.name}
    return [
        {
            "id": i.id,
            "number": i.number,
            "url": f"{api}/pulls/{i.number}",
            "head": {"ref": i.pull.head, "sha": i.pull.head_sha, "repo": nested},
            "base": {"ref": i.pull.base, "sha": sha, "repo": nested},
        }
        for i in sandbox.store.scan(Issue, repo.full_name.lower())
        if i.pull and i.state == "open" and i.pull.head_sha == sha
    ]


def check_body(sandbox: Sandbox, base: str, repo: Repo, record: CheckRun) -> dict[str, Any]:
    """A `check-run` body with its app and pull requests."""
    owner = user_body(sandbox, base, repo.owner)
    return shapes.check_run(base, record, owner, _pulls_for(sandbox, base, repo, record.head_sha))


def _apply(record: CheckRun, spec: CheckSpec) -> None:
    fields = spec.model_dump(exclude_none=True, exclude={"output", "name", "head_sha"})
    for key, value in fields.items():
        setattr(record, key, value)
    if spec.name:
        record.name = spec.name
    if spec.conclusion and not spec.status:
        record.status = "completed"
    if record.status == "completed":
        record.completed_at = record.completed_at or now()
        if record.conclusion is None:
            raise ApiError(
                422,
                "Validation Failed",
                errors=[{"resource": "CheckRun", "field": "conclusion", "code": "missing_field"}],
            )
    if spec.output:
        record.output = spec.output.model_dump(exclude={"annotations"}, exclude_none=True)
        record.annotations.extend(a.model_dump() for a in spec.output.annotations)


@router.post("/repos/{owner}/{name}/check-runs")
def create_check(
    owner: str, name: str, body: Body, sandbox: SB, viewer: Who, base: Base
) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, "push", "checks")
    _app_only(viewer)
    spec = parse(body, CheckSpec, "CheckRun")
    if not spec.name or not spec.head_sha:
        raise ApiError(
            422,
            "Validation Failed",
            errors=[
                {
                    "resource": "CheckRun",
                    "field": "name" if not spec.name else "head_sha",
                    "code": "missing_field",
                }
            ],
        )
    sha = sandbox.bare(repo).resolve(spec.head_sha)
    if sha is None:
        raise ApiError(422, "No commit found for SHA: " + spec.head_sha)
    record = CheckRun(repo=repo.full_name, name=spec.name, head_sha=sha)
    _apply(record, spec)
    sandbox.store.add(record)
    return respond(check_body(sandbox, base, repo, record), 201)


def _check(sandbox: Sandbox, repo: Repo, check_id: int) -> CheckRun:
    found = sandbox.store.get(CheckRun, check_id)
    if found is None or found.repo.lower() != repo.full_name.lower():
        raise not_found()
    return found


@router.patch("/repos/{owner}/{name}/check-runs/{check_id}")
def update_check(
    owner: str, name: str, check_id: int, body: Body, sandbox: SB, viewer: Who, base: Base
) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, "push", "checks")
    _app_only(viewer)
    record = _check(sandbox, repo, check_id)
    _apply(record, parse(body, CheckSpec, "CheckRun"))
    sandbox.store.save(record)
    return respond(check_body(sandbox, base, repo, record))


@router.get("/repos/{owner}/{name}/check-runs/{check_id}")
def get_check(
    owner: str, name: str, check_id: int, sandbox: SB, viewer: Who, base: Base
) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, area="checks")
    return respond(check_body(sandbox, base, repo, _check(sandbox, repo, check_id)))


@router.get("/repos/{owner}/{name}/check-runs/{check_id}/annotations")
def list_annotations(
    owner: str, name: str, check_id: int, request: Request, sandbox: SB, viewer: Who, base: Base
) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, area="checks")
    record = _check(sandbox, repo, check_id)
    return page(request, [shapes.annotation(base, record, a) for a in record.annotations])


@router.get("/repos/{owner}/{name}/commits/{ref:path}/check-runs")
def checks_for_ref(
    owner: str, name: str, ref: str, request: Request, sandbox: SB, viewer: Who, base: Base
) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, area="checks")
    sha = sandbox.bare(repo).resolve(ref)
    if sha is None:
        raise ApiError(422, f"No commit found for SHA: {ref}")
    wanted = request.query_params.get("check_name")
    found = [
        check_body(sandbox, base, repo, c)
        for c in reversed(sandbox.store.scan(CheckRun, repo.full_name.lower()))
        if c.head_sha == sha and wanted in (None, c.name)
    ]
    return respond({"total_count": len(found), "check_runs": found})


@router.post("/repos/{owner}/{name}/statuses/{sha}")
def create_status(
    owner: str, name: str, sha: str, body: Body, sandbox: SB, viewer: Who, base: Base
) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, "push", "statuses")
    spec = parse(body, StatusSpec, "Status")
    found = sandbox.bare(repo).resolve(sha)
    if found is None:
        raise ApiError(422, f"No commit found for SHA: {sha}")
    record = sandbox.store.add(
        Status(repo=repo.full_name, sha=found, creator=viewer.require_login(), **spec.model_dump())
    )
    return respond(shapes.status(base, record, user_body(sandbox, base, record.creator)), 201)


def _statuses(sandbox: Sandbox, repo: Repo, ref: str) -> tuple[str, list[Status]]:
    sha = sandbox.bare(repo).resolve(ref)
    if sha is None:
        raise not_found()
    found = [s for s in sandbox.store.scan(Status, repo.full_name.lower()) if s.sha == sha]
    return sha, list(reversed(found))


@router.get("/repos/{owner}/{name}/statuses/{ref}")
@router.get("/repos/{owner}/{name}/commits/{ref:path}/statuses")
def list_statuses(
    owner: str, name: str, ref: str, request: Request, sandbox: SB, viewer: Who, base: Base
) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, area="statuses")
    _, found = _statuses(sandbox, repo, ref)
    return page(
        request, [shapes.status(base, s, user_body(sandbox, base, s.creator)) for s in found]
    )


@router.get("/repos/{owner}/{name}/commits/{ref:path}/status")
def combined_status(
    owner: str, name: str, ref: str, sandbox: SB, viewer: Who, base: Base
) -> Response:
    repo = require_repo(sandbox, viewer, owner, name, area="statuses")
    sha, found = _statuses(sandbox, repo, ref)
    latest: dict[str, Status] = {}
    for s in found:
        latest.setdefault(s.context, s)
    bodies = [shapes.status(base, s, user_body(sandbox, base, s.creator)) for s in latest.values()]
    api = f"{base}/repos/{repo.full_name}"
    return respond(
        {
            "state": shapes.combined([s.state for s in latest.values()]),
            "statuses": bodies,
            "sha": sha,
            "total_count": len(bodies),
            "repository": repo_body(sandbox, base, viewer, repo),
            "commit_url": f"{api}/commits/{sha}",
            "url": f"{api}/commits/{sha}/status",
        }
    )
