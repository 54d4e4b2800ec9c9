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


@dataclass(frozen=True)
class Activity:
    """The service's statements and connections so far."""

    statements: int
    sessions: int


def statements_so_far(service: RunningService) -> Activity | None:
    """The service's activity before the load test (None: it has no PostgreSQL)."""
    postgres = service.backing.postgres if service.backing else None
    return _activity(postgres) if postgres else None


def database_of(ctx: StageContext, service: RunningService, before: Activity) -> Database:
    """What the service did during the load test, statements per request (the probe), then
    the connections it left open."""
    assert service.backing is not None and service.backing.postgres is not None
    postgres = service.backing.postgres
    app = ctx.assignment.spec.app
    assert app is not None and app.services.postgres is not None
    during = _activity(postgres)  # before the probe, whose own connections count here
    statements, errors = _statements_per_request(ctx, service, postgres)
    use = DatabaseUse(
        statements=during.statements - before.statements,
        sessions=during.sessions - before.sessions,
        idle_connections=postgres.open_connections(),
        max_idle_connections=app.services.postgres.max_idle_connections,
    )
    return Database(use=use, statements=statements, probe_errors=errors)


def _activity(postgres: Postgres) -> Activity:
    return Activity(postgres.statements_run(), postgres.sessions_opened())


def counted(database: Database | None) -> dict[str, EndpointStatements] | None:
    """Statements per request by endpoint; None when the service never used its database."""
    if database is None:
        return {}
    if not database.use.used:
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
