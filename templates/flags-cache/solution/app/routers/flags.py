"""Reading and changing flags: the admin console's API."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException

from app import lookup, store
from app.deps import FlagCache, Pool, require_admin
from app.models import Flag, FlagChange

router = APIRouter(tags=["flags"])


@router.get("/flags")
def list_flags(pool: Pool, cache: FlagCache) -> list[Flag]:
    """Every flag, ordered by key."""
    return lookup.every_flag(cache, pool)


@router.get("/flags/{key}")
def get_flag(key: str, pool: Pool, cache: FlagCache) -> Flag:
    """One flag; 404 when there is none."""
    found = lookup.flag(cache, pool, key)
    if found is None:
        raise HTTPException(status_code=404, detail=f"no flag {key!r}")
    return found


@router.patch("/flags/{key}", dependencies=[Depends(require_admin)])
def change_flag(key: str, change: FlagChange, pool: Pool, cache: FlagCache) -> Flag:
    """Change a flag (admin token): every evaluation after the answer sees the change."""
    with pool.connection() as conn:
        changed = store.change_flag(conn, key, change)
    # After the commit (the `with` above): a reader that misses now loads the new version.
    cache.forget(lookup.entry(key), lookup.ALL_FLAGS)
    if changed is None:
        raise HTTPException(status_code=404, detail=f"no flag {key!r}")
    return changed
