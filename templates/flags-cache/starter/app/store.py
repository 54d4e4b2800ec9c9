"""Flags in PostgreSQL: the only module that reads or writes the flags tables."""

from __future__ import annotations

from typing import Any

from psycopg import Connection
from psycopg.rows import dict_row

from app.models import Flag, FlagChange

_FLAG_COLUMNS = "key, description, enabled, rollout_percent, version, updated_at"


def load_flag(conn: Connection[Any], key: str) -> Flag | None:
    """The flag `key` with its rules in order, or None."""
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(f"SELECT {_FLAG_COLUMNS} FROM flags WHERE key = %s", (key,))  # noqa: S608
        row = cur.fetchone()
        if row is None:
            return None
        return _to_flag(row, load_rules(conn, key))


def load_rules(conn, key):
    """The rules of one flag, in order."""
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            "SELECT attribute, one_of, serve FROM flag_rules WHERE flag_key = %s ORDER BY position",
            (key,),
        )
        return cur.fetchall()


def load_all_flags(conn: Connection[Any]) -> list[Flag]:
    """Every flag with its rules, ordered by key."""
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(f"SELECT {_FLAG_COLUMNS} FROM flags ORDER BY key")  # noqa: S608
        rows = cur.fetchall()
    flags = []
    for row in rows:
        flags.append(_to_flag(row, load_rules(conn, row["key"])))
    return flags


def change_flag(conn: Connection[Any], key: str, change: FlagChange) -> Flag | None:
    """Apply `change` to the flag `key` in the caller's transaction; None when there is none."""
    fields = change.model_dump(exclude_unset=True, exclude={"rules"})
    if fields:
        assignments = ", ".join(f"{name} = %({name})s" for name in fields)
        conn.execute(
            f"UPDATE flags SET {assignments} WHERE key = %(key)s",  # noqa: S608
            {**fields, "key": key},
        )
    if change.rules is not None:
        conn.execute("DELETE FROM flag_rules WHERE flag_key = %s", (key,))
        for position, rule in enumerate(change.rules, 1):
            conn.execute(
                "INSERT INTO flag_rules (flag_key, position, attribute, one_of, serve) "
                "VALUES (%s, %s, %s, %s, %s)",
                (key, position, rule.attribute, rule.one_of, rule.serve),
            )
    return load_flag(conn, key)


def _to_flag(row, rules):
    return Flag(**row, rules=rules)
