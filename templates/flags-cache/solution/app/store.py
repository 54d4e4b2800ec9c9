"""Flags in PostgreSQL: the only module that reads or writes the flags tables.

The cache (app.cache) sits in front of `load_flag` and `load_all_flags`; the tests count calls
to them to see whether an answer came from the cache or from here.
"""

from __future__ import annotations

from typing import Any

from psycopg import Connection
from psycopg.rows import dict_row

from app.models import Flag, FlagChange, Rule

_FLAG_COLUMNS = "key, description, enabled, rollout_percent, version, updated_at"


def load_flag(conn: Connection[Any], key: str) -> Flag | None:
    """The flag `key` with its rules in order, or None."""
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(f"SELECT {_FLAG_COLUMNS} FROM flags WHERE key = %s", (key,))  # noqa: S608
        row = cur.fetchone()
        if row is None:
            return None
        cur.execute(
            "SELECT flag_key, attribute, one_of, serve FROM flag_rules "
            "WHERE flag_key = %s ORDER BY position",
            (key,),
        )
        return _flag(row, cur.fetchall())


def load_all_flags(conn: Connection[Any]) -> list[Flag]:
    """Every flag with its rules, ordered by key: two statements, whatever the number of flags."""
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(f"SELECT {_FLAG_COLUMNS} FROM flags ORDER BY key")  # noqa: S608
        flags = cur.fetchall()
        cur.execute(
            "SELECT flag_key, attribute, one_of, serve FROM flag_rules ORDER BY flag_key, position"
        )
        rules: dict[str, list[dict[str, Any]]] = {}
        for rule in cur.fetchall():
            rules.setdefault(rule["flag_key"], []).append(rule)
    return [_flag(row, rules.get(row["key"], [])) for row in flags]


def change_flag(conn: Connection[Any], key: str, change: FlagChange) -> Flag | None:
    """Apply `change` to the flag `key` in the caller's transaction: a new version; None when
    there is no such flag."""
    fields = change.model_dump(exclude_unset=True, exclude={"rules"})
    assignments = "".join(f", {name} = %({name})s" for name in fields)
    cursor = conn.execute(
        f"UPDATE flags SET version = version + 1, updated_at = now(){assignments} "  # noqa: S608
        "WHERE key = %(key)s RETURNING key",
        {**fields, "key": key},
    )
    if cursor.fetchone() is None:
        return None
    if change.rules is not None:
        _replace_rules(conn, key, change.rules)
    return load_flag(conn, key)


def _replace_rules(conn: Connection[Any], key: str, rules: list[Rule]) -> None:
    conn.execute("DELETE FROM flag_rules WHERE flag_key = %s", (key,))
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO flag_rules (flag_key, position, attribute, one_of, serve) "
            "VALUES (%s, %s, %s, %s, %s)",
            [(key, n, r.attribute, r.one_of, r.serve) for n, r in enumerate(rules, 1)],
        )


def _flag(row: dict[str, Any], rules: list[dict[str, Any]]) -> Flag:
    return Flag(
        **row,
        rules=[Rule(attribute=r["attribute"], one_of=r["one_of"], serve=r["serve"]) for r in rules],
    )
