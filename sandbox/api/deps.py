"""What every route needs: the shared sandbox, the caller, the base URL, the JSON body."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated, Any, TypeVar
from urllib.parse import urlencode

from fastapi import Depends, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ValidationError

from sandbox.auth import Viewer, viewer_for
from sandbox.context import Sandbox
from sandbox.errors import ApiError

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")


def get_sandbox(request: Request) -> Sandbox:
    """The server's shared state."""
    sandbox: Sandbox = request.app.state.sandbox
    return sandbox


def get_viewer(request: Request) -> Viewer:
    """The caller, from the Authorization header (401 for a bad token)."""
    cached: Viewer | None = getattr(request.state, "viewer", None)
    if cached is None:
        cached = viewer_for(get_sandbox(request), request.headers.get("authorization"))
        request.state.viewer = cached
    return cached


def get_base(request: Request) -> str:
    """This server's own scheme, host and port, as the client reached it."""
    return f"{request.url.scheme}://{request.url.netloc}"


async def json_any(request: Request) -> Any:
    """The request's JSON value ({} when empty); 400 as GitHub answers unparsable JSON."""
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise ApiError(400, "Problems parsing JSON") from exc


async def json_body(request: Request) -> dict[str, Any]:
    """The request's JSON object ({} when empty); 400 for anything else."""
    body = await json_any(request)
    if not isinstance(body, dict):
        raise ApiError(400, "Problems parsing JSON")
    return body


def parse(body: dict[str, Any], model: type[M], resource: str) -> M:
    """Validate a request body; 422 naming each bad field, as GitHub does."""
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        errors = [
            {
                "resource": resource,
                "field": ".".join(str(p) for p in err["loc"]),
                "code": "missing_field" if err["type"] == "missing" else "invalid",
            }
            for err in exc.errors()
        ]
        raise ApiError(422, "Validation Failed", errors=errors) from exc


def respond(content: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A JSON response (204 carries no body)."""
    if status == 204:
        return Response(status_code=204, headers=headers)
    return JSONResponse(content, status_code=status, headers=headers)


def page_slice(request: Request, items: list[T]) -> tuple[list[T], dict[str, str]]:
    """The items of the requested page (per_page ≤ 100, page from 1) and its `Link` header."""
    per_page = _int_param(request, "per_page", 30, 1, 100)
    number = _int_param(request, "page", 1, 1, 10**6)
    last = max(1, -(-len(items) // per_page))
    links = []
    for rel, target in (("prev", number - 1), ("next", number + 1), ("last", last), ("first", 1)):
        if (rel in ("prev", "first") and number > 1) or (rel in ("next", "last") and number < last):
            links.append(f'<{_page_url(request, target)}>; rel="{rel}"')
    return items[(number - 1) * per_page : number * per_page], (
        {"Link": ", ".join(links)} if links else {}
    )


def page(request: Request, items: list[T], shape: Callable[[T], Any] | None = None) -> Response:
    """One page of `items` (shaped by `shape`, only those on the page) with `Link`."""
    chunk, headers = page_slice(request, items)
    bodies = [shape(x) for x in chunk] if shape else chunk
    return JSONResponse(bodies, headers=headers or None)


def _int_param(request: Request, name: str, default: int, low: int, high: int) -> int:
    try:
        value = int(request.query_params.get(name, default))
    except ValueError:
        return default
    return min(max(value, low), high)


def _page_url(request: Request, number: int) -> str:
    params = dict(request.query_params)
    params["page"] = str(number)
    return f"{get_base(request)}{request.url.path}?{urlencode(params)}"


SB = Annotated[Sandbox, Depends(get_sandbox)]
Who = Annotated[Viewer, Depends(get_viewer)]
Base = Annotated[str, Depends(get_base)]
Body = Annotated[dict[str, Any], Depends(json_body)]
AnyBody = Annotated[Any, Depends(json_any)]
