"""The app factory: routers, GitHub-shaped error handlers, realism middleware."""

from __future__ import annotations

import logging

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException

from sandbox.api import pages
from sandbox.api.deps import get_viewer
from sandbox.api.events import wire
from sandbox.api.realism import FaultPlan, Limiter, RealismMiddleware
from sandbox.api.routes import ADMIN_ROUTER, GIT_ROUTER, ROUTERS
from sandbox.context import Sandbox
from sandbox.errors import ApiError

log = logging.getLogger("sandbox")


def create_app(sandbox: Sandbox) -> FastAPI:
    """A FastAPI app serving `sandbox`'s REST API and git over HTTP."""
    app = FastAPI(
        title="Backend Classroom sandbox", docs_url=None, redoc_url=None, openapi_url=None
    )
    app.state.sandbox = sandbox
    wire(sandbox)
    app.state.limiter = Limiter(
        sandbox.config.rate_limits, clock=lambda: sandbox.clock.now().timestamp()
    )
    sandbox.limiter = app.state.limiter
    for router in ROUTERS:
        app.include_router(router, dependencies=[Depends(get_viewer)])  # 401 for a bad token
    app.include_router(GIT_ROUTER)
    app.include_router(ADMIN_ROUTER)
    app.include_router(pages.router)  # last: its /{owner}/{name} paths must not shadow the API
    app.add_exception_handler(ApiError, _api_error)  # type: ignore[arg-type]  # starlette's signature is loose
    app.add_exception_handler(HTTPException, _http_error)  # type: ignore[arg-type]  # same
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]  # same
    app.add_exception_handler(Exception, _server_error)
    app.add_middleware(
        RealismMiddleware,
        limiter=app.state.limiter,
        faults=FaultPlan(sandbox.config.faults),
        etags=sandbox.config.etags,
    )
    return app


async def _api_error(_: Request, exc: ApiError) -> Response:
    return JSONResponse(exc.body(), status_code=exc.status, headers=exc.headers)


async def _http_error(_: Request, exc: HTTPException) -> Response:
    status = 404 if exc.status_code in (404, 405) else exc.status_code
    message = "Not Found" if status == 404 else str(exc.detail)
    return JSONResponse(ApiError(status, message).body(), status_code=status)


async def _validation_error(_: Request, exc: RequestValidationError) -> Response:
    errors = [
        {"resource": "Request", "field": ".".join(map(str, e["loc"])), "code": "invalid"}
        for e in exc.errors()
    ]
    error = ApiError(422, "Validation Failed", errors=errors)
    return JSONResponse(error.body(), status_code=422)


async def _server_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return JSONResponse(ApiError(500, "Server Error").body(), status_code=500)
