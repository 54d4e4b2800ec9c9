"""What the routers get from the application: its settings, pool and workers."""

from __future__ import annotations

from typing import Annotated, cast

from fastapi import Depends, Request
from psycopg_pool import ConnectionPool

from app.config import Settings
from app.worker import Workers


def _settings(request: Request) -> Settings:
    return cast(Settings, request.app.state.settings)


def _pool(request: Request) -> ConnectionPool:
    return cast(ConnectionPool, request.app.state.pool)


def _workers(request: Request) -> Workers:
    return cast(Workers, request.app.state.workers)


AppSettings = Annotated[Settings, Depends(_settings)]
Pool = Annotated[ConnectionPool, Depends(_pool)]
AppWorkers = Annotated[Workers, Depends(_workers)]
