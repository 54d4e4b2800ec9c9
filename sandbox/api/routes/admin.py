"""Sandbox-only routes (no GitHub counterpart), for tests and dry runs: move the clock, lose a
runner. They answer only to the sandbox's admin token (`--data/admin-token`)."""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from sandbox.api.datefilter import parse_time
from sandbox.api.deps import SB, Body, get_sandbox, parse, respond
from sandbox.auth import token_from_header
from sandbox.clock import iso
from sandbox.context import Dispatcher, Sandbox
from sandbox.errors import ApiError, not_found
from sandbox.records import WorkflowRun


def require_admin(request: Request) -> None:
    """401 unless the caller shows the sandbox's admin token."""
    given = token_from_header(request.headers.get("authorization")) or ""
    if not secrets.compare_digest(given, get_sandbox(request).admin_token):
        raise ApiError(401, "Sandbox admin routes need the admin token (--data/admin-token)")


router = APIRouter(prefix="/_sandbox", dependencies=[Depends(require_admin)])


class ClockMove(BaseModel):
    now: str


class Kill(BaseModel):
    job: str = Field(min_length=1)
    matrix: dict[str, Any] | None = None


def _runner(sandbox: Sandbox) -> Dispatcher:
    if sandbox.runner is None:
        raise ApiError(422, "Actions are disabled on this sandbox (started with --no-actions).")
    return sandbox.runner


@router.get("/clock")
def get_clock(sandbox: SB) -> Response:
    return respond({"now": iso(sandbox.clock.now())})


@router.post("/clock")
def move_clock(body: Body, sandbox: SB) -> Response:
    spec = parse(body, ClockMove, "Clock")
    try:
        moment = parse_time(spec.now)
        previous = sandbox.clock.move_to(moment)
    except ValueError as exc:
        raise ApiError(422, f"now: {exc}") from exc
    fired = sandbox.runner.tick(moment) if sandbox.runner else []
    return respond(
        {
            "previous": iso(previous),
            "now": iso(moment),
            "fired": [
                {
                    "repository": f.repo,
                    "workflow": f.workflow,
                    "cron": f.cron,
                    "scheduled_at": iso(f.at),
                    "run_id": f.run_id,
                }
                for f in fired
            ],
        }
    )


@router.post("/runs/{run_id}/kill")
def kill_job(run_id: int, body: Body, sandbox: SB) -> Response:
    spec = parse(body, Kill, "Kill")
    run = sandbox.store.get(WorkflowRun, run_id)
    if run is None:
        raise not_found()
    if run.status != "in_progress":
        raise ApiError(409, f"Run {run_id} is {run.status}: only a running job can be killed")
    killed = _runner(sandbox).kill(run_id, spec.job, spec.matrix)
    if not killed:
        raise ApiError(409, f"No running job of run {run_id} matches {spec.job!r}")
    return respond({"run_id": run_id, "killed": killed})
