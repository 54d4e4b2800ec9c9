"""The API root and /rate_limit."""

from __future__ import annotations

import math
import time

from fastapi import APIRouter, Request
from fastapi.responses import Response

from sandbox.deps import Base, respond
from sandbox.realism import Limiter, caller_of

router = APIRouter()


@router.get("/")
def root(base: Base) -> Response:
    return respond(
        {"current_user_url": f"{base}/user", "repository_url": f"{base}/repos/{{owner}}/{{repo}}"}
    )


@router.get("/rate_limit")
def rate_limit(request: Request) -> Response:
    limiter: Limiter = request.app.state.limiter
    window, _ = limiter.count(caller_of(request), "GET", free=True)
    limit = limiter.limits.primary_per_hour
    core = {
        "limit": limit,
        "remaining": max(0, limit - window.used),
        "reset": math.ceil(window.start + 3600),
        "used": window.used,
        "resource": "core",
    }
    reset = math.ceil(time.time() + 60)
    search = {"limit": 30, "remaining": 30, "reset": reset, "used": 0, "resource": "search"}
    graphql = {"limit": 5000, "remaining": 5000, "reset": reset, "used": 0, "resource": "graphql"}
    return respond(
        {"resources": {"core": core, "search": search, "graphql": graphql}, "rate": core}
    )
