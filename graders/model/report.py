"""`GradeReport`: the `results.json` schema that everything downstream reads."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from graders.stages import registry
from graders.stages.registry import StageName

Status = Literal["passed", "failed", "error", "skipped"]
# Why a stage ended as it did when it was not simply scored: renderers, exporters and exit
# codes decide from this, never from a message's words (messages are for people).
StageCause = Literal[
    "grader-bug",  # the grader failed: our side, never the learner's
    "skipped-on-request",
    "no-hidden-tests",  # a practice run: the official grade adds them
    "not-installed",  # the submission's dependencies did not install
    "service-unhealthy",  # the service never answered its health check
    "service-exited",  # the service (or its seed) exited
    "timed-out",
    "memory",  # stopped at the assignment's memory limit
    "no-tests",  # nothing was collected
    "setup-failed",  # a setup command the assignment names failed
    "python-unavailable",  # the Python the assignment asks for is not on this machine
    "services-unavailable",  # PostgreSQL or Redis (`[app.services]`) could not start here
    "no-report",  # the tool ended without its report
    "tool-failed",  # ruff, mypy or Locust failed on their own
    "bad-material",  # the instructor's solution or bugs for test_quality are missing or broken
    "practice-count",  # test_quality in a non-official grade that may show only a count
]
# Which goals of a load SLO were missed, by the measure that missed.
LoadMiss = Literal[
    "p50", "p95", "p99", "errors", "throughput", "statements", "pages", "no-requests", "cpu"
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Check(_Model):
    """One graded item inside a stage: a test, an SLO."""

    name: str
    status: Literal["passed", "failed", "error", "skipped"]
    score: float
    max_score: float
    message: str = ""
    hint: str = ""
    node_id: str = ""  # hidden checks: `file::name`, for milestone selectors
    missed: list[LoadMiss] = Field(default_factory=list)  # load goals: the measures missed
    # test_quality: a bug of the instructor's, or a test of the learner's that fails on correct
    # code ("wrong") or passed there once only ("flaky"); empty for every other stage.
    kind: Literal["", "bug", "wrong", "flaky"] = ""


class Finding(_Model):
    """A lint or type finding at a file and line."""

    tool: Literal["ruff", "mypy"]
    file: str
    line: int
    column: int = 1
    end_line: int | None = None
    rule: str
    message: str
    url: str = ""
    severity: Literal["error", "warning", "note"] = "error"


class EndpointLoad(_Model):
    """Locust figures for one endpoint (or `Aggregated`)."""

    endpoint: str
    requests: int
    failures: int
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    cpu_ms: float | None = None  # Aggregated: the service's CPU time per answered request

    @property
    def error_rate(self) -> float:
        return self.failures / self.requests if self.requests else 0.0


class StatementShape(_Model):
    """One normalised SQL statement (`SELECT … WHERE id = $1`) and how often a request ran it."""

    statement: str
    per_request: float


class EndpointStatements(_Model):
    """SQL statements per request of one endpoint, counted on the grader's PostgreSQL while
    the endpoint was requested alone, one request at a time (graders.running.statements)."""

    endpoint: str
    requests: int
    per_request: float
    shapes: list[StatementShape] = Field(default_factory=list)  # the most frequent first
    # Table and index pages (8 kB blocks) those statements read per request, found in memory
    # or read from disk alike: a table scan reads every page of the table, an index a few.
    pages_per_request: float = 0.0
    # A connection was still inside a transaction after the answer
    # (graders.running.statement_probe): what it ran is not all counted yet,
    # so neither figure above can be trusted.
    open_transaction: bool = False


class DatabaseUse(_Model):
    """What the service did with the PostgreSQL cluster the grader gave it."""

    statements: int  # run by the service during the load test (the seed's excluded)
    # Connections it opened meanwhile: a connection closed inside its transaction loses its
    # last statement from the counters above, so one statement per connection shows as none.
    sessions: int = 0
    idle_connections: int  # held open after the load test, with no request in flight
    max_idle_connections: int

    @property
    def used(self) -> bool:
        """Whether the service used the database at all during the load test."""
        return self.statements > 0 or self.sessions > 0


class LoadFailure(_Model):
    """One kind of failed request under load: what the locustfile (or Locust) said, how often.
    The locustfile checks every answer as the app would, so a fast wrong answer shows here."""

    endpoint: str
    error: str
    occurrences: int


class LoadRound(_Model):
    """One short Locust run of a reference-judged load stage (graders.model.load_reference)."""

    service: Literal["submission", "reference"]
    duration_seconds: float
    endpoints: list[EndpointLoad]
    # Cores' worth of CPU the rest of the machine used meanwhile (graders.stages.load_rounds):
    # a miss measured while others took clearly more than during the reference's rounds is
    # measured again.
    foreign_cores: float | None = None
    failures: list[LoadFailure] = Field(default_factory=list)


class RaisedGoal(_Model):
    """A latency goal the reference raised: judged at `bar_ms`, tolerance x `reference_ms`."""

    check: str  # the Check's name
    measure: Literal["p50", "p95", "p99"]
    goal_ms: float
    reference_ms: float
    bar_ms: float


class LoadMetrics(_Model):
    users: int
    duration_seconds: float
    endpoints: list[EndpointLoad]  # judged figures: latencies are medians over rounds, if any
    statements: list[EndpointStatements] = Field(default_factory=list)
    database: DatabaseUse | None = None
    # "reference": latency goals were judged against the reference solution in the same job
    judging: Literal["absolute", "reference"] = "absolute"
    tolerance: float | None = None
    reference_endpoints: list[EndpointLoad] = Field(default_factory=list)
    rounds: list[LoadRound] = Field(default_factory=list)
    raised: list[RaisedGoal] = Field(default_factory=list)
    cpu_source: Literal["cgroup", "processes"] | None = None
    # The submission's failed requests by kind, commonest first (graders.model.loadstats).
    failures: list[LoadFailure] = Field(default_factory=list)


class StageResult(_Model):
    """How one stage ended; `error` means the grader could not judge, not a learner's failure."""

    name: StageName
    status: Status
    score: float
    max_score: float
    duration_seconds: float
    message: str
    checks: list[Check] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    load: LoadMetrics | None = None
    log_excerpt: str = ""
    cause: StageCause | None = None


class Tampering(_Model):
    """A protected file the submission changed, removed or added; official grading puts it back."""

    path: str
    change: Literal["changed", "removed", "added"]


class Containment(_Model):
    """What kept the learner's code in during this grade (an official grade needs `full`)."""

    level: Literal["full", "partial", "none"]
    sandbox_uid: int | None = None  # the grading's own unprivileged user; None: the grader's
    private_filesystem: bool = False  # sees only its own folders, the system and its env
    network: Literal["none", "host"] = "host"  # none: only its own loopback service
    processes: str = ""  # how process count and lifetime are bounded
    memory: str = ""  # how memory is bounded
    missing: list[str] = Field(default_factory=list)  # what this machine could not provide


MilestoneStatus = Literal["done", "in_progress", "waiting"]  # waiting: none of its checks ran


class MilestoneResult(_Model):
    """How far one milestone is, by the checks it names that this grade ran."""

    id: str
    title: str
    status: MilestoneStatus
    passing: int
    total: int
    failing: list[str] = Field(default_factory=list)  # checks that ran and did not pass
    not_run: list[str] = Field(default_factory=list)  # selectors nothing in this grade matched


class Submission(_Model):
    path: str
    commit: str | None = None
    previous_commit: str | None = None
    previous_score: float | None = None


class GradeReport(_Model):
    """The whole grade of one submission; serialised as `results.json`."""

    schema_version: Literal[1] = 1
    assignment: str
    assignment_title: str
    score: float
    max_score: float
    submission: Submission
    stages: list[StageResult]
    tool_versions: dict[str, str]
    grader_version: str
    started_at: datetime
    duration_seconds: float
    tier: Literal["practice", "official"] = "practice"
    # Official grades only: what the submission changed of the template's protected files.
    integrity: list[Tampering] = Field(default_factory=list)
    # The grader's own commit when known (the official workflow passes it), for the store.
    grader_commit: str | None = None
    # None in reports written before containment was recorded.
    containment: Containment | None = None
    # Issue-based assignments: each milestone's progress, in the assignment's order.
    milestones: list[MilestoneResult] = Field(default_factory=list)

    def stage(self, name: StageName) -> StageResult | None:
        """The result of stage `name`, if it ran or was skipped."""
        return next((s for s in self.stages if s.name == name), None)

    @property
    def percent(self) -> float:
        return 100.0 * self.score / self.max_score if self.max_score else 0.0


def ordered(stages: list[StageResult]) -> list[StageResult]:
    """Stages in their canonical order, whatever order they finished in."""
    order = registry.names()
    return sorted(stages, key=lambda s: order.index(s.name))


def total(stages: list[StageResult]) -> tuple[float, float]:
    """(score, max_score) over `stages`, rounded so float noise never shows."""
    return (round(sum(s.score for s in stages), 2), round(sum(s.max_score for s in stages), 2))
