"""SQL statements per request, per endpoint, counted on the PostgreSQL server the grader owns.

Under load, many requests run at once and no server can say which request ran a statement.
So after the load test the grader sends the requests again, alone: the probe
(graders.running.statement_probe) starts each user of the assignment's locustfile as Locust would
(its `on_start`, a login or setup, is not counted), runs each task a few times, one request
at a time, and reads the learner role's pg_stat_statements counters before and after every
request. What the database ran in between is that request's. The counters are the server's
(the learner's process cannot fake them) and the probe is sequential with fixed random
choices, so the figure is the same in every grading: N+1 queries show as a number, not as
latency that a busy machine can hide or invent.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from basis.procs import Limits
from graders.model.report import EndpointStatements, StatementShape
from graders.running.process import run_cmd
from graders.running.services import Postgres

ROUNDS = 3  # requests of each task; a per-request average of three is exact for N+1
SHAPES_SHOWN = 3
PROBE_SECONDS = 120.0


class ProbeFailed(Exception):
    """The probe could not run; the message says why."""


def measure(
    postgres: Postgres, locustfile: Path, host: str, netns: Path | None, work: Path
) -> tuple[list[EndpointStatements], list[str]]:
    """Statements per request of every endpoint the locustfile requests, and the probe's
    own errors (a task that raised, a login that failed)."""
    argv = [sys.executable, "-m", "graders.running.statement_probe", str(locustfile), host,
            str(ROUNDS), str(postgres.bin / "psql")]  # fmt: skip
    env = postgres.admin_env() | {"PYTHONPATH": _grader_path(), "HOME": str(work)}
    outcome = run_cmd(
        argv,
        cwd=work,
        env=env,
        limits=Limits(timeout_seconds=PROBE_SECONDS, output_bytes=4 * 1024 * 1024),
        netns=netns,
        merge_stderr=False,
    )
    if not outcome.ok:
        said = (outcome.stderr or outcome.output).strip().splitlines()[-1:] or ["no output"]
        raise ProbeFailed(f"the statements probe failed: {said[0][:300]}")
    records = [json.loads(line) for line in outcome.output.splitlines() if line.startswith("{")]
    return per_endpoint(records), [r["error"] for r in records if "error" in r]


def per_endpoint(records: list[dict[str, Any]]) -> list[EndpointStatements]:
    """The probe's requests, grouped by endpoint: statements per request and their shapes."""
    requests: dict[str, int] = {}
    pages: dict[str, int] = {}
    shapes: dict[str, dict[str, int]] = {}
    left_open: set[str] = set()
    for record in records:
        if "endpoint" not in record:
            continue
        endpoint = str(record["endpoint"])
        requests[endpoint] = requests.get(endpoint, 0) + 1
        pages[endpoint] = pages.get(endpoint, 0) + int(record.get("pages", 0))
        if record.get("open_transaction"):
            left_open.add(endpoint)
        ran = shapes.setdefault(endpoint, {})
        for shape, calls in record["statements"].items():
            ran[shape] = ran.get(shape, 0) + int(calls)
    return [
        _figures(endpoint, requests[endpoint], shapes[endpoint], pages[endpoint], left_open)
        for endpoint in sorted(requests)
    ]


def _figures(
    endpoint: str, requests: int, ran: dict[str, int], pages: int, left_open: set[str]
) -> EndpointStatements:
    ordered = sorted(ran.items(), key=lambda item: (-item[1], item[0]))
    return EndpointStatements(
        endpoint=endpoint,
        requests=requests,
        per_request=round(sum(ran.values()) / requests, 2),
        pages_per_request=round(pages / requests, 1),
        shapes=[
            StatementShape(statement=shape, per_request=round(calls / requests, 2))
            for shape, calls in ordered[:SHAPES_SHOWN]
        ],
        open_transaction=endpoint in left_open,
    )


def _grader_path() -> str:
    """So `-m graders.running.statement_probe` imports in the child even from a source checkout."""
    import graders

    return str(Path(graders.__file__).parent.parent)
