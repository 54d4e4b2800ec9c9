"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

from app.deps import DbSession

router = APIRouter(tags=["health"])


@router.get("/health", operation_id="getHealth")
def health(db: DbSession) -> dict[str, str]:
    """200 once the service can reach its database."""
    db.execute(text("SELECT 1"))
    return {"status": "ok"}
