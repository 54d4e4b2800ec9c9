"""State in one SQLite file: typed records stored as JSON documents, keyed by kind/scope/key."""

from __future__ import annotations

import sqlite3
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import ClassVar, TypeVar

from pydantic import BaseModel

_SCHEMA = """
CREATE TABLE IF NOT EXISTS docs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS docs_key ON docs (kind, scope, key);
CREATE INDEX IF NOT EXISTS docs_scope ON docs (kind, scope, id);
"""


class Record(BaseModel):
    """A stored thing; `scope` groups records (usually a repository), `key` names one."""

    kind: ClassVar[str] = "record"
    id: int = 0

    def scope(self) -> str:
        """The group this record lists under ("" when global)."""
        return ""

    def key(self) -> str:
        """The unique name inside its scope (the id by default)."""
        return str(self.id)


R = TypeVar("R", bound=Record)


class Conflict(Exception):
    """A record with the same kind, scope and key exists already."""


class Store:
    """A thread-safe JSON document store on SQLite; ids are global and increasing."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=30)
        self._depth = 0
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)
        self._lock = threading.RLock()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group several writes so they land together or not at all (nesting allowed)."""
        with self._lock:
            self._depth += 1
            name = f"sp{self._depth}"
            self._db.execute(f"SAVEPOINT {name}")
            try:
                yield
            except BaseException:
                self._db.execute(f"ROLLBACK TO {name}")
                self._db.execute(f"RELEASE {name}")
                raise
            finally:
                self._depth -= 1
            self._db.execute(f"RELEASE {name}")

    def add(self, record: R) -> R:
        """Insert `record` with an id SQLite assigns; raise Conflict on a duplicate key."""
        with self.transaction():
            cursor = self._db.execute(
                "INSERT INTO docs (kind, scope, key, data) VALUES (?, ?, ?, '{}')",
                (record.kind, record.scope(), f"~new~{uuid.uuid4().hex}"),
            )
            record.id = int(cursor.lastrowid or 0)
            try:
                self._db.execute(
                    "UPDATE docs SET key = ?, data = ? WHERE id = ?",
                    (record.key(), record.model_dump_json(), record.id),
                )
            except sqlite3.IntegrityError as exc:
                raise Conflict(record.key()) from exc
        return record

    def save(self, record: R) -> R:
        """Write back a record that was read from the store."""
        with self._lock:
            self._db.execute(
                "UPDATE docs SET scope = ?, key = ?, data = ? WHERE id = ?",
                (record.scope(), record.key(), record.model_dump_json(), record.id),
            )
        return record

    def delete(self, record: Record) -> None:
        """Remove one record."""
        with self._lock:
            self._db.execute("DELETE FROM docs WHERE id = ?", (record.id,))

    def get(self, cls: type[R], record_id: int) -> R | None:
        """The record of this kind with this id, if any."""
        with self._lock:
            row = self._db.execute(
                "SELECT data FROM docs WHERE kind = ? AND id = ?", (cls.kind, record_id)
            ).fetchone()
        return cls.model_validate_json(row[0]) if row else None

    def find(self, cls: type[R], scope: str, key: str) -> R | None:
        """The record of this kind named `key` inside `scope`, if any."""
        with self._lock:
            row = self._db.execute(
                "SELECT data FROM docs WHERE kind = ? AND scope = ? AND key = ?",
                (cls.kind, scope, key),
            ).fetchone()
        return cls.model_validate_json(row[0]) if row else None

    def scan(self, cls: type[R], scope: str | None = None) -> list[R]:
        """All records of this kind (inside `scope` when given), oldest first."""
        with self._lock:
            if scope is None:
                rows = self._db.execute(
                    "SELECT data FROM docs WHERE kind = ? ORDER BY id", (cls.kind,)
                ).fetchall()
            else:
                rows = self._db.execute(
                    "SELECT data FROM docs WHERE kind = ? AND scope = ? ORDER BY id",
                    (cls.kind, scope),
                ).fetchall()
        return [cls.model_validate_json(row[0]) for row in rows]

    def delete_scope(self, scope: str) -> None:
        """Remove every record listed under `scope` (a deleted repository's contents)."""
        with self._lock:
            self._db.execute("DELETE FROM docs WHERE scope = ?", (scope,))

    def close(self) -> None:
        """Close the database file."""
        with self._lock:
            self._db.close()
