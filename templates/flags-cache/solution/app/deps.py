"""What the routers get from the application: its settings, pool and cache."""

from __future__ import annotations

import secrets
from typing import Annotated, cast

from fastapi import Depends, Header, HTTPException, Request
from psycopg_pool import ConnectionPool

from app.cache import Cache
from app.config import Settings


def _settings(request: Request) -> Settings:
    return cast(Settings, request.app.state.settings)


def _pool(request: Request) -> ConnectionPool:
    return cast(ConnectionPool, request.app.state.pool)


def _cache(request: Request) -> Cache:
    return cast(Cache, request.app.state.cache)


AppSettings = Annotated[Settings, Depends(_settings)]
Pool = Annotated[ConnectionPool, Depends(_pool)]
FlagCache = Annotated[Cache, Depends(_cache)]


def require_admin(settings: AppSettings, authorization: Annotated[str, Header()] = "") -> None:
    """401 unless the request carries `Authorization: Bearer <ADMIN_TOKEN>`."""
    expected = f"Bearer {settings.admin_token}"
    if not secrets.compare_digest(authorization.encode(), expected.encode()):
        raise HTTPException(
            status_code=401,
            detail="changing a flag needs the admin token",
            headers={"WWW-Authenticate": "Bearer"},
        )
