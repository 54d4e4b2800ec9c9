"""Flags as the routes read them: from the cache, loaded from the database on a miss."""

from __future__ import annotations

from psycopg_pool import ConnectionPool
from pydantic import TypeAdapter

from app import store
from app.cache import Cache
from app.models import Flag

ONE = TypeAdapter(Flag | None)  # an unknown key is cached too, as null
ALL = TypeAdapter(list[Flag])
ALL_FLAGS = "flags:all"


def entry(key: str) -> str:
    """The cache entry of one flag."""
    return f"flag:{key}"


def flag(cache: Cache, pool: ConnectionPool, key: str) -> Flag | None:
    """The flag `key`, or None when there is none."""

    def load() -> Flag | None:
        with pool.connection() as conn:
            return store.load_flag(conn, key)

    return cache.get_or_load(entry(key), ONE, load)


def every_flag(cache: Cache, pool: ConnectionPool) -> list[Flag]:
    """Every flag, ordered by key."""

    def load() -> list[Flag]:
        with pool.connection() as conn:
            return store.load_all_flags(conn)

    return cache.get_or_load(ALL_FLAGS, ALL, load)
