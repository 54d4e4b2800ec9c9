"""What one request ran on the grader's PostgreSQL, from two readings of its counters and
the statement log between them (the pure part of graders.running.statement_probe).

pg_stat_statements records a statement when its portal closes: a connection that ends inside
its transaction (closed without COMMIT or ROLLBACK, as much read-only code does) loses its
last statement's figures, and with the extended protocol that statement can be the costly
one. The log has every statement as it started, so a statement the log shows more often than
the counters is counted from the log, and the request's pages are then taken from the
tables' own counters, which a backend hands over when it ends.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from typing import Any

LEARNER = "learner"  # graders.running.postgres.LEARNER_ROLE (the probe imports nothing heavy)

Counters = dict[str, tuple[int, int, str]]  # queryid → (calls, pages read, statement shape)


@dataclass(frozen=True)
class Reading:
    """The server's counters at one moment."""

    statements: Counters
    log_size: int  # bytes of the statement log so far
    table_pages: int


@dataclass(frozen=True)
class Ran:
    """What the database ran for one request."""

    statements: dict[str, int]  # by shape
    pages: int
    open_transaction: bool


def log_entries(text: str) -> list[dict[str, Any]]:
    """The JSON log's entries (one per line: a statement's own newlines are escaped inside
    its entry, so no statement can write a line of its own)."""
    entries = []
    for line in text.splitlines():
        with contextlib.suppress(ValueError):
            entry = json.loads(line)
            if isinstance(entry, dict):
                entries.append(entry)
    return entries


def difference(before: Reading, after: Reading, log: list[dict[str, Any]], settled: bool) -> Ran:
    """Statements run between two readings, by shape, and the pages they read; `settled`:
    the learner's connections had all ended their transactions when `after` was read."""
    calls: dict[str, int] = {}
    ran: dict[str, int] = {}
    pages = 0
    for queryid, (count, read_pages, shape) in after.statements.items():
        was_calls, was_read, _ = before.statements.get(queryid, (0, 0, ""))
        if count > was_calls:
            calls[queryid] = count - was_calls
            ran[shape] = ran.get(shape, 0) + count - was_calls
        pages += max(0, read_pages - was_read)
    lost = 0
    for queryid, (executed, text) in _executed(log).items():
        missing = executed - calls.get(queryid, 0)
        if missing > 0:
            shape = after.statements[queryid][2] if queryid in after.statements else text
            ran[shape] = ran.get(shape, 0) + missing
            lost += missing
    if lost:
        pages = max(pages, after.table_pages - before.table_pages)
    return Ran(ran, pages, open_transaction=not settled)


def _executed(log: list[dict[str, Any]]) -> dict[str, tuple[int, str]]:
    """The learner's statements the log shows started (extended protocol), by queryid."""
    executed: dict[str, tuple[int, str]] = {}
    for entry in log:
        message = str(entry.get("message", ""))
        queryid = str(entry.get("query_id", 0))
        if entry.get("user") != LEARNER or queryid == "0" or not message.startswith("execute "):
            continue
        text = " ".join(message.split(": ", 1)[-1].split())[:240]
        count, _ = executed.get(queryid, (0, text))
        executed[queryid] = (count + 1, text)
    return executed
