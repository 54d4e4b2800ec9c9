"""The FastAPI application: `uvicorn --factory app.main:create_app`. Seed first (app.seed)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app.cache import Cache
from app.config import Settings
from app.db import make_pool
from app.routers import evaluate, flags, health


def create_app(settings: Settings | None = None) -> FastAPI:
    """An application wired to `settings` (read from the environment by default)."""
    settings = settings or Settings.from_env()
    pool = make_pool(settings.database_url, 10)
    cache = Cache(settings.redis_url, settings.cache_prefix, settings.cache_ttl_seconds)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        pool.open(wait=True)  # pragma: no mutate  (the first request would wait instead)
        yield
        pool.close()

    app = FastAPI(title="Flagpole", version="2.0.0", lifespan=lifespan)
    app.state.settings = settings
    app.state.pool = pool
    app.state.cache = cache
    for module in (health, flags, evaluate):
        app.include_router(module.router)
    return app
