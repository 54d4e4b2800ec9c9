"""POST /graphql: the queries this project sends, answered from the sandbox's records."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from sandbox.api.deps import SB, Base, Who, json_any
from sandbox.api.graphql.executor import Charge, answer
from sandbox.api.graphql.resolvers import Context, root
from sandbox.api.realism import HOUR, Limiter, Window, caller_of
from sandbox.errors import ApiError

router = APIRouter()


@router.post("/graphql")
async def graphql(request: Request, sandbox: SB, viewer: Who, base: Base) -> Response:
    if viewer.login is None:
        raise ApiError(401, "This endpoint requires you to be authenticated.")
    limiter: Limiter = request.app.state.limiter
    caller = caller_of(request)
    body = await json_any(request)
    charged: list[Window] = []

    def charge(points: int) -> Charge:
        window, allowed = limiter.charge_points(caller, points)
        charged.append(window)
        limit = limiter.limits.graphql_points_per_hour
        return Charge(allowed, limit, window.points, window.points_start + HOUR)

    def run(rate: dict[str, Any]) -> tuple[Any, Any]:
        return root(), Context(sandbox, viewer, base, rate)

    result = answer(body, charge, run)
    window = charged[0] if charged else limiter.charge_points(caller, 0)[0]
    headers = limiter.graphql_headers(window)
    if result.charge is not None and not result.charge.allowed:
        headers["x-ratelimit-remaining"] = "0"
    return JSONResponse(result.body, headers=headers)
