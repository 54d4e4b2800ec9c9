"""What the grader's PostgreSQL saw of the service in the load stage: statements per request
(the probe, graders.running.statements), the statements it ran at all, the connections it left open.

Shared by both ways of running the stage (graders.stages.load, graders.stages.load_rounds):
statements are counted on the submission's own server, never judged against a reference.
"""

from __future__ import annotations

from dataclasses import dataclass

from graders.model.report import DatabaseUse, EndpointStatements
from graders.running.service import RunningService
from graders.running.services import Postgres
from graders.running.statements import ProbeFailed, measure
from graders.stages.context import StageContext


@dataclass(frozen=True)
class Database:
    """What the grader's PostgreSQL saw of the service during the load stage."""

    use: DatabaseUse
    statements: list[EndpointStatements]
    probe_errors: list[str]


def statements_so_far(service: RunningService) -> int | None:
    """The service's statement count before the load test (None: it has no PostgreSQL)."""
    postgres = service.backing.postgres if service.backing else None
    return postgres.statements_run() if postgres else None


def database_of(ctx: StageContext, service: RunningService, before: int) -> Database:
    """Statements per request (the probe), then what the service used and left open."""
    assert service.backing is not None and service.backing.postgres is not None
    postgres = service.backing.postgres
    app = ctx.assignment.spec.app
    assert app is not None and app.services.postgres is not None
    statements, errors = _statements_per_request(ctx, service, postgres)
    use = DatabaseUse(
        statements=postgres.statements_run() - before,
        idle_connections=postgres.open_connections(),
        max_idle_connections=app.services.postgres.max_idle_connections,
    )
    return Database(use=use, statements=statements, probe_errors=errors)


def counted(database: Database | None) -> dict[str, EndpointStatements] | None:
    """Statements per request by endpoint; None when the service never used its database."""
    if database is None:
        return {}
    if database.use.statements == 0:
        return None
    return {figures.endpoint: figures for figures in database.statements}


def _statements_per_request(
    ctx: StageContext, service: RunningService, postgres: Postgres
) -> tuple[list[EndpointStatements], list[str]]:
    """The probe's figures, when a goal needs them (it costs a couple of seconds)."""
    spec = ctx.assignment.spec.stages.load
    assert spec is not None
    if not any(slo.counts_statements for slo in spec.slos):
        return [], []
    locustfile = ctx.assignment.root / spec.locustfile
    try:
        return measure(postgres, locustfile, service.base_url, service.netns, ctx.work)
    except ProbeFailed as exc:
        return [], [str(exc)]
