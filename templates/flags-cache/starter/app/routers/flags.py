"""Reading and changing flags: the admin console's API."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException

from app import store
from app.deps import Pool, require_admin
from app.models import Flag, FlagChange

router = APIRouter(tags=["flags"])


@router.get("/flags")
def list_flags(pool: Pool) -> list[Flag]:
    """Every flag, ordered by key."""
    with pool.connection() as conn:
        return store.load_all_flags(conn)


@router.get("/flags/{key}")
def get_flag(key: str, pool: Pool) -> Flag:
    """One flag; 404 when there is none."""
    with pool.connection() as conn:
        found = store.load_flag(conn, key)
    if found is None:
        raise HTTPException(status_code=404, detail=f"no flag {key!r}")
    return found


@router.patch("/flags/{key}", dependencies=[Depends(require_admin)])
def change_flag(key: str, change: FlagChange, pool: Pool) -> Flag:
    """Change a flag (admin token)."""
    with pool.connection() as conn:
        changed = store.change_flag(conn, key, change)
    if changed is None:
        raise HTTPException(status_code=404, detail=f"no flag {key!r}")
    return changed
