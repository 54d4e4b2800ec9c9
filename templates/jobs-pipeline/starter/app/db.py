"""A pool of PostgreSQL connections (psycopg 3) for the API's request threads."""

from __future__ import annotations

from psycopg_pool import ConnectionPool


def make_pool(url: str, size: int) -> ConnectionPool:
    """A pool of at most `size` connections to the database at `url`, opened by the app's
    lifespan. `with pool.connection() as conn:` commits when the block ends, or rolls back."""
    return ConnectionPool(
        url,
        min_size=1,  # pragma: no mutate  (a tuning knob: no answer changes)
        max_size=size,
        open=False,  # pragma: no mutate  (the lifespan opens it; opening twice is a no-op)
        check=ConnectionPool.check_connection,  # pragma: no mutate
    )
