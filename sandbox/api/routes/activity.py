"""`GET /repos/{owner}/{repo}/activity`: pushes with the server's timestamps, newest first."""

from __future__ import annotations

from typing import Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field, ValidationError

from sandbox.api import activity
from sandbox.api.deps import SB, Base, Who, respond
from sandbox.api.shapes.activity import activity_body
from sandbox.auth import require_repo
from sandbox.errors import ApiError
from sandbox.records import Activity

router = APIRouter()


class ActivityParams(BaseModel):
    ref: str | None = None
    actor: str | None = None
    time_period: Literal["day", "week", "month", "quarter", "year"] | None = None
    activity_type: (
        Literal["push", "force_push", "branch_deletion", "branch_creation", "pr_merge"] | None
    ) = None
    direction: Literal["asc", "desc"] = "desc"
    per_page: int = Field(default=30, ge=1, le=100)
    before: str | None = None
    after: str | None = None


def _query(request: Request) -> activity.Query:
    try:
        params = ActivityParams.model_validate(dict(request.query_params))
        return activity.Query(
            **params.model_dump(exclude={"before", "after"}),
            before=activity.read_cursor(params.before) if params.before else None,
            after=activity.read_cursor(params.after) if params.after else None,
        )
    except (ValidationError, ValueError) as exc:
        raise ApiError(422, "Validation Failed: the activity filters are not valid") from exc


def _link(request: Request, base: str, page: activity.Page) -> dict[str, str]:
    links = []
    for rel, key, target in (("prev", "before", page.prev), ("next", "after", page.next)):
        if target is not None:
            params = {k: v for k, v in request.query_params.items() if k not in ("before", "after")}
            params[key] = activity.cursor(target)
            links.append(f'<{base}{request.url.path}?{urlencode(params)}>; rel="{rel}"')
    return {"Link": ", ".join(links)} if links else {}


@router.get("/repos/{owner}/{name}/activity")
def list_activity(
    owner: str, name: str, request: Request, sandbox: SB, viewer: Who, base: Base
) -> Response:
    repo = require_repo(sandbox, viewer, owner, name)
    query = _query(request)
    items = sandbox.store.scan(Activity, repo.full_name.lower())
    page = activity.select(items, query, sandbox.clock.now())
    bodies = [activity_body(sandbox, base, item) for item in page.items]
    return respond(bodies, headers=_link(request, base, page) or None)
