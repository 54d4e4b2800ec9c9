"""`python -m graders.running.statement_probe LOCUSTFILE HOST ROUNDS`: statements per request.

Run by the load stage after the load test, inside the service's network namespace, with the
superuser's PG* variables set (graders.running.services.Postgres.admin_env). Every user class of the
(assignment's own) locustfile starts as Locust would start it (`on_start`, which logs in or
sets up, is not counted), then each of its tasks runs ROUNDS times, one request at a time.
Around each request it reads the learner role's statement counters from pg_stat_statements,
and after it waits until none of the learner's connections is inside a transaction, so the
statements the database ran meanwhile belong to that request's endpoint alone. The server's
statement log (turned on here, after the load test) catches what the counters lose: the last
statement of a connection closed without ending its transaction.
Prints one JSON object per request: {"endpoint": "GET /orders", "statements": {shape: n},
"pages": n, "open_transaction": bool}, where pages are the table and index pages (8 kB
blocks) its statements read, from PostgreSQL's buffer counters (found in memory or read from
disk alike), and open_transaction says a connection was still inside a transaction
SETTLE_SECONDS after the answer.
"""

from __future__ import annotations

import importlib.util
import inspect
import json
import random
import secrets
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import locust

from graders.running.statement_counts import Counters, Reading, difference, log_entries

SNAPSHOT = """
SELECT queryid, calls, shared_blks_hit + shared_blks_read,
       left(regexp_replace(query, '\\s+', ' ', 'g'), 240)
FROM pg_stat_statements
WHERE userid = (SELECT oid FROM pg_roles WHERE rolname = 'learner');
SELECT 'log', coalesce((pg_stat_file('log/postgresql.json', true)).size, 0);
"""
# Pages of the learner's tables and indexes read so far, by any backend: a backend's counters
# reach these views when it ends at the latest, a lost statement's pages included.
TABLE_PAGES = """
SELECT coalesce(sum(heap_blks_read + heap_blks_hit + coalesce(idx_blks_read, 0)
    + coalesce(idx_blks_hit, 0) + coalesce(toast_blks_read, 0) + coalesce(toast_blks_hit, 0)
    + coalesce(tidx_blks_read, 0) + coalesce(tidx_blks_hit, 0)), 0)
FROM pg_statio_user_tables;
"""
BUSY = """
SELECT count(*) FROM pg_stat_activity
WHERE usename = 'learner' AND state IS DISTINCT FROM 'idle';
"""
START_LOGGING = "ALTER SYSTEM SET log_statement = 'all';\nSELECT pg_reload_conf();\n"
LOG_FILE = "log/postgresql.json"  # graders.running.postgres: jsonlog, under the data directory
PSQL = ["-X", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-f", "-"]
SETTLE_SECONDS = 2.0  # for the learner's connections to end their transactions
LOG_SECONDS = 10.0  # for the log collector to write what was logged
POLL_SECONDS = 0.01


def sql(psql: str, query: str, database: str = "postgres") -> list[list[str]]:
    """Rows of `query`, run as the grader's superuser."""
    return [line.split("\t") for line in output(psql, query, database).splitlines() if line]


def output(psql: str, query: str, database: str = "postgres") -> str:
    """What psql prints for `query`, run as the grader's superuser."""
    done = subprocess.run(
        [psql, *PSQL, "-d", database],
        input=query,
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return done.stdout


def read(psql: str) -> Reading:
    """The learner role's statement counters, the log's size and the tables' pages, now."""
    counters: Counters = {}
    log_size = 0
    for row in sql(psql, SNAPSHOT):
        if row[0] == "log":
            log_size = int(row[1])
        elif len(row) == 4:
            counters[row[0]] = (int(row[1]), int(row[2] or 0), row[3])
    pages = sql(psql, TABLE_PAGES, database="app")
    return Reading(counters, log_size, int(pages[0][0]) if pages else 0)


def settle(psql: str) -> bool:
    """Wait until no connection of the learner's is inside a transaction; False if one still
    is after SETTLE_SECONDS (its statements are not all counted yet, and may never be)."""
    deadline = time.monotonic() + SETTLE_SECONDS
    while int(sql(psql, BUSY)[0][0]):
        if time.monotonic() > deadline:
            return False
        time.sleep(POLL_SECONDS)
    return True


def logged_since(psql: str, offset: int, mark: str) -> list[dict[str, Any]]:
    """The log's entries from `offset`, up to this probe's `mark` (the collector writes
    asynchronously: once the mark, logged last, is in the file, everything before it is)."""
    sql(psql, f"SELECT '{mark}';")
    deadline = time.monotonic() + LOG_SECONDS
    query = f"SELECT pg_read_file('{LOG_FILE}', {offset}, 67108864, true);"
    while True:
        text = output(psql, query)
        if mark in text:
            break
        if time.monotonic() > deadline:
            raise RuntimeError(f"the statement log never showed the probe's mark {mark}")
        time.sleep(POLL_SECONDS)
    return log_entries(text)


def endpoint_name(method: str, url: str, name: str | None, response: Any) -> str:
    """Locust's own name for the request's statistics entry (`GET /orders`)."""
    if not name:
        first = (response.history and response.history[0]) or response
        name = first.request.path_url if getattr(first, "request", None) else url
    return f"{method.upper()} {name}"


def counting(user: Any, psql: str) -> Callable[..., Any]:
    """The user's `client.request`, wrapped to print the statements of each request."""
    send = user.client.request

    def request(method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        name = kwargs.get("name") or (args[0] if args else None) or user.client.request_name
        before = read(psql)
        response = send(method, url, *args, **kwargs)
        settled = settle(psql)
        log = logged_since(psql, before.log_size, f"classroom-probe-mark-{secrets.token_hex(8)}")
        ran = difference(before, read(psql), log, settled)
        record = {
            "endpoint": endpoint_name(method, url, name, response),
            "statements": ran.statements,
            "pages": ran.pages,
            "open_transaction": ran.open_transaction,
        }
        print(json.dumps(record))
        return response

    return request


def user_classes(locustfile: Path) -> list[type[locust.HttpUser | locust.FastHttpUser]]:
    spec = importlib.util.spec_from_file_location("classroom_locustfile", locustfile)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return [
        value
        for value in vars(module).values()
        if inspect.isclass(value)
        and issubclass(value, (locust.HttpUser, locust.FastHttpUser))
        and not value.__dict__.get("abstract", False)
        and value.tasks
    ]


def probe(
    cls: type[locust.HttpUser | locust.FastHttpUser], host: str, rounds: int, psql: str
) -> None:
    random.seed(0)  # the same choices (ids, pages) in every grading
    cls.host = host
    user = cls(locust.env.Environment(user_classes=[cls], host=host))
    try:
        user.on_start()
    except Exception as exc:  # a failed login is reported, not fatal
        print(json.dumps({"error": f"{cls.__name__}.on_start failed: {exc!r}"}))
        return
    setattr(user.client, "request", counting(user, psql))  # noqa: B010  (mypy: a method)
    tasks = [t for t in dict.fromkeys(cls.tasks) if inspect.isfunction(t)]
    for task in tasks:
        for _ in range(rounds):
            try:
                task(user)
            except Exception as exc:  # one failing task, not the probe
                print(json.dumps({"error": f"{task.__name__} failed: {exc!r}"}))


def main() -> None:
    locustfile, host, rounds, psql = sys.argv[1:5]
    sql(psql, START_LOGGING)
    for cls in user_classes(Path(locustfile)):
        probe(cls, host, int(rounds), psql)


if __name__ == "__main__":
    main()
