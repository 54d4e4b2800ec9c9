"""What the routers get from the application: its settings and pool."""

from __future__ import annotations

from typing import Annotated, cast

from fastapi import Depends, Header, HTTPException, Request
from psycopg_pool import ConnectionPool

from app.config import Settings


def _settings(request: Request) -> Settings:
    return cast(Settings, request.app.state.settings)


def _pool(request: Request) -> ConnectionPool:
    return cast(ConnectionPool, request.app.state.pool)


AppSettings = Annotated[Settings, Depends(_settings)]
Pool = Annotated[ConnectionPool, Depends(_pool)]


def require_admin(settings: AppSettings, authorization: Annotated[str, Header()] = "") -> None:
    """401 unless the request carries `Authorization: Bearer <ADMIN_TOKEN>`."""
    if authorization != f"Bearer {settings.admin_token}":
        raise HTTPException(
            status_code=401,
            detail="changing a flag needs the admin token",
            headers={"WWW-Authenticate": "Bearer"},
        )
