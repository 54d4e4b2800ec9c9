"""Liveness."""

from __future__ import annotations

from fastapi import APIRouter

from app.deps import Pool

router = APIRouter(tags=["health"])


@router.get("/health")
def health(pool: Pool) -> dict[str, str]:
    """200 once the service can reach its database."""
    with pool.connection() as conn:
        conn.execute("SELECT 1")
    return {"status": "ok"}
