"""`python -m graders.running.statement_probe LOCUSTFILE HOST ROUNDS`: statements per request.

Run by the load stage after the load test, inside the service's network namespace, with the
superuser's PG* variables set (graders.running.services.Postgres.admin_env). Every user class of the
(assignment's own) locustfile starts as Locust would start it (`on_start`, which logs in or
sets up, is not counted), then each of its tasks runs ROUNDS times, one request at a time.
Around each request it reads the learner role's statement counters from pg_stat_statements,
so the statements the database ran meanwhile belong to that request's endpoint alone.
Prints one JSON object per request: {"endpoint": "GET /orders", "statements": {shape: n},
"pages": n}, where pages are the table and index pages (8 kB blocks) its statements read,
from PostgreSQL's buffer counters (found in memory or read from disk alike).
"""

from __future__ import annotations

import importlib.util
import inspect
import json
import random
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import locust

SNAPSHOT = """
SELECT queryid, calls, shared_blks_hit + shared_blks_read,
       left(regexp_replace(query, '\\s+', ' ', 'g'), 240)
FROM pg_stat_statements
WHERE userid = (SELECT oid FROM pg_roles WHERE rolname = 'learner');
"""
PSQL = ["-X", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-f", "-"]

Counters = dict[str, tuple[int, int, str]]  # queryid → (calls, pages read, statement shape)


def snapshot(psql: str) -> Counters:
    """The learner role's statement counters now."""
    done = subprocess.run(
        [psql, *PSQL], input=SNAPSHOT, capture_output=True, text=True, timeout=30, check=True
    )
    counters: Counters = {}
    for line in done.stdout.splitlines():
        queryid, calls, pages, shape = [*line.split("\t", 3), "", "", ""][:4]
        if queryid:
            counters[queryid] = (int(calls), int(pages or 0), shape)
    return counters


def difference(before: Counters, after: Counters) -> tuple[dict[str, int], int]:
    """Statements run between two snapshots, by shape, and the pages they read."""
    ran: dict[str, int] = {}
    pages = 0
    for queryid, (calls, read, shape) in after.items():
        was_calls, was_read, _ = before.get(queryid, (0, 0, ""))
        if calls > was_calls:
            ran[shape] = ran.get(shape, 0) + calls - was_calls
        pages += max(0, read - was_read)
    return ran, pages


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
        before = snapshot(psql)
        response = send(method, url, *args, **kwargs)
        ran, pages = difference(before, snapshot(psql))
        endpoint = endpoint_name(method, url, name, response)
        print(json.dumps({"endpoint": endpoint, "statements": ran, "pages": pages}))
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
    for cls in user_classes(Path(locustfile)):
        probe(cls, host, int(rounds), psql)


if __name__ == "__main__":
    main()
