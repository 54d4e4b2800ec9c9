"""The API: `uvicorn --factory app.main:create_app`. Migrate first (`python -m app.migrate`).

JOB-1 starts here: the endpoints answer 501 until they are built (README: The tickets).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, HTTPException

from app.config import Settings
from app.db import make_pool

NOT_YET = "not built yet: see the README's tickets"


def create_app(settings: Settings | None = None) -> FastAPI:
    """An application wired to `settings` (read from the environment by default)."""
    settings = settings or Settings.from_env()
    pool = make_pool(settings.database_url, 10)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        pool.open(wait=True)
        yield
        pool.close()

    app = FastAPI(title="Tally statement imports", version="0.1.0", lifespan=lifespan)
    app.state.pool = pool

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/uploads", status_code=202)
    def upload(account: str) -> dict[str, Any]:
        raise HTTPException(501, f"uploads for {account}: {NOT_YET}")

    @app.get("/jobs/{job_id}")
    def job(job_id: int) -> dict[str, Any]:
        raise HTTPException(501, f"job {job_id}: {NOT_YET}")

    @app.get("/jobs")
    def jobs(status: str) -> dict[str, Any]:
        raise HTTPException(501, f"{status} jobs: {NOT_YET}")

    @app.post("/jobs/{job_id}/retry", status_code=202)
    def retry(job_id: int) -> dict[str, Any]:
        raise HTTPException(501, f"retrying job {job_id}: {NOT_YET}")

    return app
