"""The API: `uvicorn --factory app.main:create_app`. Migrate first (`python -m app.migrate`).

An upload is read, checked and queued in one INSERT: the answer never waits for Ledgerly
(the worker, app.worker, posts it). Clients poll GET /jobs/{id} for the outcome.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any, Literal

from fastapi import FastAPI, HTTPException, Query, Request, Response
from psycopg_pool import ConnectionPool

from app import queue
from app.config import Settings
from app.db import make_pool
from app.statements import StatementError, read_statement

MAX_UPLOAD_BYTES = 1024 * 1024
ACCOUNT = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
Status = Literal["queued", "running", "done", "failed", "parked"]


def create_app(settings: Settings | None = None) -> FastAPI:
    """An application wired to `settings` (read from the environment by default)."""
    settings = settings or Settings.from_env()
    pool = make_pool(settings.database_url, 10)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        pool.open(wait=True)  # pragma: no mutate  (the first request would wait instead)
        yield
        pool.close()

    app = FastAPI(title="Tally statement imports", version="1.0.0", lifespan=lifespan)
    app.state.pool = pool
    _routes(app, pool)
    return app


def _routes(app: FastAPI, pool: ConnectionPool) -> None:  # noqa: C901  (one closure per route)
    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/uploads", status_code=202)
    async def upload(
        request: Request, response: Response, account: Annotated[str, Query()]
    ) -> dict[str, Any]:
        if not ACCOUNT.match(account):
            raise HTTPException(422, "account: 1-64 lowercase letters, digits and dashes")
        body = await request.body()
        if len(body) > MAX_UPLOAD_BYTES:
            raise HTTPException(413, f"a statement may hold at most {MAX_UPLOAD_BYTES} bytes")
        try:
            text = body.decode("utf-8")
            statement = read_statement(text)
        except UnicodeDecodeError:
            raise HTTPException(422, "the statement must be UTF-8 text") from None
        except StatementError as exc:
            raise HTTPException(422, str(exc)) from None
        with pool.connection() as conn:
            job = queue.enqueue(conn, account, statement.lines, statement.total_cents, text)
        response.headers["Location"] = f"/jobs/{job['id']}"
        return job

    @app.get("/jobs/{job_id}")
    def job(job_id: int) -> dict[str, Any]:
        with pool.connection() as conn:
            found = queue.find(conn, job_id)
        if found is None:
            raise HTTPException(404, f"no job {job_id}")
        return found

    @app.get("/jobs")
    def jobs(status: Status, limit: Annotated[int, Query(ge=1, le=500)] = 100) -> dict[str, Any]:
        with pool.connection() as conn:
            return {"jobs": queue.with_status(conn, status, limit)}

    @app.post("/jobs/{job_id}/retry", status_code=202)
    def retry(job_id: int) -> dict[str, Any]:
        with pool.connection() as conn:
            requeued = queue.requeue_parked(conn, job_id)
            if requeued is None and queue.find(conn, job_id) is None:
                raise HTTPException(404, f"no job {job_id}")
        if requeued is None:
            raise HTTPException(409, "only a parked job can be retried")
        return requeued
