"""Migrations: the `.sql` files in migrations/, applied once each, in the order of their names.

`python -m app.migrate` (or `app.migrate.upgrade(url)`) applies the ones not applied yet and
records each in `schema_migrations`. Add a change to the schema as a new file; never edit one
that has been applied somewhere.
"""

from __future__ import annotations

import os
from pathlib import Path

import psycopg

from app.config import DEFAULT_DATABASE_URL

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
# Held while migrating: two processes starting at once apply each file once.
LOCK_KEY = 7312004


def pending(applied: set[str]) -> list[Path]:
    """The migration files not applied yet, in order."""
    return [path for path in sorted(MIGRATIONS.glob("*.sql")) if path.name not in applied]


def upgrade(url: str) -> list[str]:
    """Apply every pending migration to the database at `url`; the names applied."""
    done = []
    with psycopg.connect(url) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (LOCK_KEY,))
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations "
            "(name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        applied = {row[0] for row in conn.execute("SELECT name FROM schema_migrations")}
        for path in pending(applied):
            conn.execute(path.read_text(encoding="utf-8").encode())
            conn.execute("INSERT INTO schema_migrations (name) VALUES (%s)", (path.name,))
            conn.commit()
            done.append(path.name)
        conn.execute("SELECT pg_advisory_unlock(%s)", (LOCK_KEY,))
        conn.commit()
    return done


if __name__ == "__main__":  # pragma: no mutate  (the command line; the seed calls upgrade)
    for name in upgrade(os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)):
        print(f"applied {name}")
