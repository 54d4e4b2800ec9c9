"""The FastAPI application: `uvicorn app.main:app`. Run `python -m app.seed` first."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app.config import Settings
from app.db import make_engine, make_sessionmaker
from app.routers import auth, bookings, health, rooms


def create_app(settings: Settings | None = None) -> FastAPI:
    """An application wired to `settings` (read from the environment by default)."""
    settings = settings or Settings.from_env()
    engine = make_engine(settings.database_url)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        engine.dispose()

    app = FastAPI(title="Bookings API", version="1.0.0", lifespan=lifespan)
    app.state.settings = settings
    app.state.sessions = make_sessionmaker(engine)
    for module in (health, auth, rooms, bookings):
        app.include_router(module.router)
    return app


app = create_app()
