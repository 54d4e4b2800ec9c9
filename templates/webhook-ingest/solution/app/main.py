"""The FastAPI application: `uvicorn --factory app.main:create_app`. Seed first (app.seed)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app.config import Settings
from app.db import make_pool
from app.routers import health, payments, reports, webhooks
from app.worker import Workers


def create_app(settings: Settings | None = None) -> FastAPI:
    """An application wired to `settings` (read from the environment by default)."""
    settings = settings or Settings.from_env()
    # One connection per worker thread, and room for the request threads beside them.
    pool = make_pool(settings.database_url, settings.worker_threads + 10)
    workers = Workers(pool, settings.worker_threads)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        pool.open(wait=True)  # pragma: no mutate  (the first request would wait instead)
        workers.start()
        yield
        workers.stop()
        pool.close()

    app = FastAPI(title="Paystream webhook ingest", version="1.0.0", lifespan=lifespan)
    app.state.settings = settings
    app.state.pool = pool
    app.state.workers = workers
    for module in (health, webhooks, payments, reports):
        app.include_router(module.router)
    return app
