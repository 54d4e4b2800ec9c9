"""`assignment.toml`: the typed spec of an assignment, loaded with errors that name the fix."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from basis.errors import UserError
from graders.stages import registry
from graders.stages.registry import StageName

Positive = Annotated[float, Field(gt=0)]
NonNegative = Annotated[float, Field(ge=0)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Limits(_Strict):
    """Resource limits for one stage's processes; unset fields inherit the assignment's."""

    timeout_seconds: Positive | None = None
    memory_mb: Annotated[int, Field(ge=64)] | None = None
    output_kb: Annotated[int, Field(ge=1)] | None = None
    max_processes: Annotated[int, Field(ge=4)] | None = None


class ResolvedLimits(_Strict):
    """Limits with every field decided."""

    timeout_seconds: float = 120.0
    memory_mb: int = 2048
    output_kb: int = 512
    max_processes: int = 128

    def merged(self, override: Limits | None) -> ResolvedLimits:
        """These limits with the fields `override` sets replaced."""
        if override is None:
            return self
        changes = {k: v for k, v in override.model_dump().items() if v is not None}
        return self.model_copy(update=changes)


class PostgresService(_Strict):
    """`[app.services.postgres]`: a throwaway PostgreSQL cluster the grader starts for the
    hidden and load stages and each pytest run; `{postgres_url}` in `[app.env]` reaches it
    (graders.running.services, graders.running.pytest_services)."""

    # Connections the service may hold open with no request in flight (a pool's idle ones);
    # more, after the load test, is a finding: connections opened and never closed.
    max_idle_connections: Annotated[int, Field(ge=1, le=80)] = 20


class RedisService(_Strict):
    """`[app.services.redis]`: a Redis server the grader starts; `{redis_url}` reaches it."""


class Services(_Strict):
    """What the grader starts beside the learner's service (hidden, load) and for each run of
    the learner's pytest (tests, test_quality)."""

    postgres: PostgresService | None = None
    redis: RedisService | None = None

    def named(self) -> list[str]:
        """The services asked for, by name ("postgres", "redis")."""
        return [name for name in ("postgres", "redis") if getattr(self, name) is not None]


SERVICE_PLACEHOLDERS = {"postgres": "{postgres_url}", "redis": "{redis_url}"}
UPSTREAM_PLACEHOLDER = re.compile(r"\{upstream_([a-z][a-z0-9_]*)_url\}")
UpstreamName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,30}$")]


class Upstream(_Strict):
    """`[app.upstreams.NAME]`: another company's service the learner's calls (a ledger, a
    payment provider), played by a script of the assignment's own (graders.running.upstreams):
    `{upstream_NAME_url}` reaches it, and the hidden checks script its failures."""

    script: Annotated[str, Field(min_length=1)]  # relative to the assignment's folder
    health_path: str = "/health"


class AppSpec(_Strict):
    """How to start the learner's service; `{port}` in `start` is replaced by a free port."""

    start: str
    health_path: str = "/health"
    startup_timeout_seconds: Positive = 30.0
    seed: str | None = None
    # Commands of the learner's started beside `start` (a queue's worker process), in the same
    # sandbox with the same environment and placeholders, and stopped with the service.
    workers: list[str] = Field(default_factory=list, max_length=8)
    # Copies of `start` the grader runs, each on a port of its own (`{port}`), as behind a load
    # balancer: the hidden checks get every address (CLASSROOM_BASE_URLS) and can ask one
    # instance, then another; the load test and the statements probe use the first.
    instances: Annotated[int, Field(ge=1, le=4)] = 1
    env: dict[str, str] = Field(default_factory=dict)
    services: Services = Field(default_factory=Services)
    upstreams: dict[UpstreamName, Upstream] = Field(default_factory=dict, max_length=4)

    @model_validator(mode="after")
    def _placeholders_name_a_service(self) -> AppSpec:
        used = " ".join([self.start, self.seed or "", *self.workers, *self.env.values()])
        for name, placeholder in SERVICE_PLACEHOLDERS.items():
            if placeholder in used and getattr(self.services, name) is None:
                raise ValueError(
                    f"{placeholder} needs the service it names: add `[app.services.{name}]` "
                    "so the grader starts it"
                )
        for name in UPSTREAM_PLACEHOLDER.findall(used):
            if name not in self.upstreams:
                raise ValueError(
                    f"{{upstream_{name}_url}} needs the upstream it names: add "
                    f'`[app.upstreams.{name}]` with `script = "upstreams/{name}.py"`'
                )
        return self


class _Stage(_Strict):
    points: NonNegative = 0.0
    limits: Limits | None = None


class InstallStage(_Stage):
    """Build the submission's environment from requirements.txt or pyproject.toml."""

    extra_requirements: list[str] = Field(default_factory=list)


class WeightGroup(_Strict):
    """A weight with options: `"tests/test_parse.py" = { weight = 5, all_or_nothing = true }`.

    The key is a selector (graders.model.scoring): a test id, a file or folder, a glob over test
    ids, or `marker:NAME`. An all-or-nothing group earns its weight only when every test it
    selects passes (skips allowed) and at least one ran, as `pytest FILE` exiting 0 would."""

    weight: NonNegative
    all_or_nothing: bool | None = None  # None: the stage's `all_or_nothing`
    name: str | None = None  # shown instead of the selector (an imported test's own name)


Weight = NonNegative | WeightGroup


class TestsStage(_Stage):
    """Public pytest tests, run inside the submission's environment."""

    paths: list[str] = Field(default_factory=lambda: ["tests"])
    # Selector → weight. Listed selectors are what counts; a weight of 0 is reported, not scored.
    weights: dict[str, Weight] = Field(default_factory=dict)
    all_or_nothing: bool = False  # the default of every selector in `weights`
    per_test_timeout_seconds: Positive = 20.0
    # Test discovery (pytest's own settings), for layouts pytest's defaults miss: a unittest
    # `Tests/tests.py` needs python_files = ["tests.py"]. Empty: the assignment's pytest.ini.
    python_files: list[str] = Field(default_factory=list)
    python_classes: list[str] = Field(default_factory=list)
    python_functions: list[str] = Field(default_factory=list)
    env: dict[str, str] = Field(default_factory=dict)  # e.g. MPLBACKEND = "agg"
    # Commands run before the tests in the same copy (`python manage.py migrate`); one that
    # fails fails the stage with its own output.
    setup: list[str] = Field(default_factory=list)


Comparison = Literal["exact", "included", "regex"]


class _CheckEntry(_Strict):
    """What an io check and a command check share: a command, its setup, time and points."""

    name: Annotated[str, Field(min_length=1)]
    run: Annotated[str, Field(min_length=1)]  # a shell command, from the submission's root
    points: NonNegative = 0.0
    timeout_seconds: Positive = 60.0
    setup: list[str] = Field(default_factory=list)  # run first; one that fails fails the check
    env: dict[str, str] = Field(default_factory=dict)


class IoCheck(_CheckEntry):
    """`[[stages.io]]`: run a command with `input` on stdin and compare what it prints.

    It passes when the command exits 0 and its stdout (line endings made `\\n`, surrounding
    whitespace trimmed, as is `output`) equals `output` (`exact`), contains it (`included`)
    or matches the regular expression anywhere (`regex`)."""

    input: str = ""
    output: str = ""
    comparison: Comparison = "included"

    @model_validator(mode="after")
    def _regex_compiles(self) -> IoCheck:
        if self.comparison == "regex":
            try:
                re.compile(self.output)
            except re.error as exc:
                raise ValueError(f"output is not a regular expression ({exc})") from exc
        return self


class CommandCheck(_CheckEntry):
    """`[[stages.commands]]`: any command; it earns its points when it exits 0."""


class HiddenStage(_Stage):
    """Black-box HTTP tests run from the grader's own environment against the service."""

    weights: dict[str, NonNegative] = Field(default_factory=dict)  # selectors, as for tests
    env: dict[str, str] = Field(default_factory=dict)


class TestQualityStage(_Stage):
    """The learner's own tests, judged by the bugs they catch (graders.stages.test_quality).

    They run against the reference solution, where they must pass, then against each buggy
    version of it (a patch of the hidden material's `bugs` folder); each bug that at least one
    of their tests exposes earns `points / bugs`. The solution and the bugs are hidden material:
    `solution/` and `bugs/` beside `hidden_tests/`, which reach only the official grade."""

    # The learner's tests: files and folders of the submission. Test files the starter ships
    # at the same paths (the public tests) are left out: they are the assignment's, not theirs.
    paths: list[str] = Field(default_factory=lambda: ["tests"], min_length=1)
    per_bug_timeout_seconds: Positive = 60.0  # each run of the tests (solution runs too)
    per_test_timeout_seconds: Positive = 20.0
    jobs: Annotated[int, Field(ge=1, le=8)] = 2  # runs at a time, at most the machine's cores
    # What a grade without the hidden material (a practice run) says: "skip" says it runs in
    # the official grade; "count" lets a non-official run that has the material show only how
    # many bugs the tests exposed (no descriptions, no points).
    practice: Literal["skip", "count"] = "skip"

    @field_validator("paths")
    @classmethod
    def _relative(cls, value: list[str]) -> list[str]:
        for path in value:
            if Path(path).is_absolute() or ".." in Path(path).parts or not Path(path).parts:
                raise ValueError(
                    f"{path!r}: name the folder of the learner's own tests inside the "
                    'submission, e.g. "regression_tests" (never "." or a path outside it)'
                )
        return value


class LintStage(_Stage):
    """ruff with the assignment's config."""

    config: str = "ruff.toml"
    paths: list[str] = Field(default_factory=lambda: ["."])
    per_finding: NonNegative = 1.0
    # A file that does not parse hides every finding in it: by default it costs the stage.
    per_unparsable_file: NonNegative | None = None


class TypesStage(_Stage):
    """mypy with the assignment's config."""

    config: str = "mypy.ini"
    paths: list[str] = Field(default_factory=lambda: ["."])
    per_error: NonNegative = 1.0
    # A file that does not parse hides every error in it: by default it costs the stage.
    per_unparsable_file: NonNegative | None = None


class Slo(_Strict):
    """A service-level objective for one Locust entry (`GET /tasks`) or `Aggregated`."""

    endpoint: str
    p50_ms: Positive | None = None
    p95_ms: Positive | None = None
    p99_ms: Positive | None = None
    max_error_rate: Annotated[float, Field(ge=0, le=1)] | None = None
    min_rps: Positive | None = None
    # SQL statements per request, counted by the PostgreSQL server the grader owns while the
    # endpoint is requested alone, one request at a time (needs `[app.services.postgres]`).
    max_statements: NonNegative | None = None
    # Table and index pages (8 kB) those statements read per request, counted the same way:
    # a missing index shows as a table scan's thousands of pages, whatever the machine's speed.
    max_pages_read: NonNegative | None = None
    # CPU time the service spent per request it answered (Aggregated only):
    # see graders.running.cpu_time
    max_cpu_ms: Positive | None = None
    weight: Positive = 1.0
    why: str = ""

    @model_validator(mode="after")
    def _has_a_goal(self) -> Slo:
        goals = (
            self.p50_ms, self.p95_ms, self.p99_ms, self.max_error_rate, self.min_rps,
            self.max_statements, self.max_pages_read, self.max_cpu_ms,
        )  # fmt: skip
        if all(goal is None for goal in goals):
            raise ValueError(
                "an SLO needs at least one goal: p50_ms, p95_ms, p99_ms, max_error_rate, "
                "min_rps, max_statements, max_pages_read or max_cpu_ms"
            )
        return self

    @property
    def counts_statements(self) -> bool:
        """A goal judged by the statements probe (graders.running.statements)."""
        return self.max_statements is not None or self.max_pages_read is not None

    @property
    def times_latency(self) -> bool:
        """A latency goal: the one kind an official grade judges against the reference."""
        return any(goal is not None for goal in (self.p50_ms, self.p95_ms, self.p99_ms))

    @model_validator(mode="after")
    def _cpu_is_the_services(self) -> Slo:
        if self.max_cpu_ms is not None and self.endpoint != "Aggregated":
            raise ValueError(
                f"max_cpu_ms is the whole service's CPU time per request: set it on "
                f'endpoint = "Aggregated", not on "{self.endpoint}"'
            )
        return self


class ReferenceJudging(_Strict):
    """Latency goals judged against the reference solution measured in the same job (official
    grades, where `solution/` sits beside `hidden_tests/`): see graders.model.load_reference."""

    # Locust runs against the submission and the reference in turns, this many times each;
    # the stage's duration_seconds is shared among the submission's rounds. Each round is a
    # new Locust run whose users start over (a locustfile that logs in pays that again), so
    # more rounds suit profiles whose users start cheaply.
    rounds: Annotated[int, Field(ge=1, le=10)] = 1
    # A latency goal missed by the submission's best round within tolerance x the bar the
    # reference's worst round sets is measured again, one more round each at a time, up to
    # this many rounds each (graders.model.load_reference.undecided).
    max_rounds: Annotated[int, Field(ge=1, le=20)] = 3
    # A latency goal is met at max(goal, tolerance x the reference's median in the same job).
    tolerance: Annotated[float, Field(ge=1.0, le=10.0)] = 1.5

    @model_validator(mode="after")
    def _enough_rounds(self) -> ReferenceJudging:
        if self.max_rounds < self.rounds:
            raise ValueError(
                f"max_rounds ({self.max_rounds}) is below rounds ({self.rounds}): set "
                "max_rounds to at least rounds"
            )
        return self


class LoadStage(_Stage):
    """Locust, headless, against the running service."""

    locustfile: str = "locustfile.py"
    users: Annotated[int, Field(ge=1)] = 20
    spawn_rate: Positive = 20.0
    duration_seconds: Annotated[int, Field(ge=1, le=600)] = 15
    env: dict[str, str] = Field(default_factory=dict)
    slos: list[Slo] = Field(min_length=1)
    profile: str = ""
    reference: ReferenceJudging = Field(default_factory=ReferenceJudging)

    @property
    def times_latency(self) -> bool:
        """Whether any goal is a latency (a stage of counted goals needs no reference run)."""
        return any(slo.times_latency for slo in self.slos)


def whole_stage_check(selector: str) -> str | None:
    """The check a milestone selector like `lint` stands for ("lint clean"), if it is one."""
    names = [s.name for s in registry.stages() if s.milestone == "whole"]
    return f"{selector} clean" if selector in names else None


class Milestone(_Strict):
    """One step of an issue-based assignment: an issue of its own, done when its checks pass.

    `checks` are selectors: `tests:<node id glob>`, `hidden:<file>::<check glob>`,
    `load:<goal glob>` (a load goal's name, e.g. `GET /tasks:*`), or `lint` / `types` (the
    stage is clean)."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    title: str
    body: str  # a Markdown file of the assignment folder, rendered with the course's facts
    checks: list[str] = Field(min_length=1)
    points: NonNegative | None = None  # its share of the points, shown to learners

    @field_validator("checks")
    @classmethod
    def _selectors(cls, checks: list[str]) -> list[str]:
        for selector in checks:
            stage, sep, pattern = selector.partition(":")
            if whole_stage_check(selector) is not None:
                continue
            by_checks = [s.name for s in registry.stages() if s.milestone == "checks"]
            if not sep or stage not in by_checks or not pattern:
                raise ValueError(
                    f"{selector!r} is not a check selector: write `tests:<node id glob>`, "
                    "`hidden:<file>::<name glob>`, `load:<goal glob>`, `lint` or `types`"
                )
        return checks


class Stages(_Strict):
    install: InstallStage = Field(default_factory=InstallStage)
    tests: TestsStage | None = None
    io: list[IoCheck] = Field(default_factory=list)
    commands: list[CommandCheck] = Field(default_factory=list)
    hidden: HiddenStage | None = None
    test_quality: TestQualityStage | None = None
    lint: LintStage | None = None
    types: TypesStage | None = None
    load: LoadStage | None = None

    @field_validator("io", "commands")
    @classmethod
    def _names_are_unique(cls, entries: list[_CheckEntry]) -> list[_CheckEntry]:
        names = [e.name for e in entries]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"each check needs a name of its own: {', '.join(twice)} repeat")
        return entries

    def configured(self, name: StageName) -> bool:
        """Whether the assignment grades stage `name` (a list stage: when it has entries)."""
        spec = getattr(self, name, None)
        return bool(spec) if isinstance(spec, list) else spec is not None

    def points(self, name: StageName) -> float:
        """Stage `name`'s points (a list stage's: its entries' sum); 0 when not configured."""
        spec: _Stage | list[_CheckEntry] | None = getattr(self, name, None)
        if isinstance(spec, list):  # `[[stages.io]]`: one entry per check
            return sum(entry.points for entry in spec)
        return spec.points if spec is not None else 0.0


class Assignment(_Strict):
    """The whole `assignment.toml`."""

    slug: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    title: str
    brief: str = "README.md"
    limits: ResolvedLimits = Field(default_factory=ResolvedLimits)
    app: AppSpec | None = None
    stages: Stages
    protected_paths: list[str] = Field(default_factory=list)
    milestones: list[Milestone] = Field(default_factory=list)
    # The Python the submission runs on ("3.12"); unset: the grader's own.
    # graders.running.interpreters says what happens when this machine has no such Python.
    python: Annotated[str, Field(pattern=r"^3\.[0-9]{1,2}$")] | None = None

    @model_validator(mode="after")
    def _milestone_ids_are_unique(self) -> Assignment:
        ids = [m.id for m in self.milestones]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"milestone ids must be unique: {', '.join(twice)} appear twice")
        return self

    @model_validator(mode="after")
    def _service_stages_need_an_app(self) -> Assignment:
        if (self.stages.hidden or self.stages.load) and self.app is None:
            raise ValueError(
                "the hidden and load stages start the learner's service: add an "
                '[app] table with `start = "uvicorn app.main:app --port {port}"`'
            )
        return self

    @model_validator(mode="after")
    def _statement_goals_need_postgres(self) -> Assignment:
        load = self.stages.load
        counted = [s.endpoint for s in load.slos if s.counts_statements] if load else []
        if counted and (self.app is None or self.app.services.postgres is None):
            raise ValueError(
                f"max_statements and max_pages_read ({', '.join(counted)}) are counted on the "
                "PostgreSQL server the "
                "grader starts: add `[app.services.postgres]` and pass `{postgres_url}` to the "
                "service through [app.env]"
            )
        return self

    def limits_for(self, stage: StageName) -> ResolvedLimits:
        """The limits that apply to `stage` (a list stage's checks time out on their own)."""
        spec = getattr(self.stages, stage, None)
        limits = None if spec is None or isinstance(spec, list) else spec.limits
        return self.limits.merged(limits)

    @property
    def max_score(self) -> float:
        return sum(self.stages.points(name) for name in registry.names())


class LoadedAssignment(BaseModel):
    """An assignment spec with the folder it came from."""

    model_config = ConfigDict(frozen=True)

    spec: Assignment
    root: Path


def load_assignment(folder: Path) -> LoadedAssignment:
    """Read and validate `folder/assignment.toml`, or raise a UserError naming the fix."""
    path = folder / "assignment.toml"
    if not folder.is_dir():
        raise UserError(
            f"{folder}: no such assignment folder; pass the folder that holds "
            "assignment.toml, e.g. --assignment templates/tasks-api"
        )
    if not path.is_file():
        raise UserError(
            f"{path}: missing; every assignment folder needs an assignment.toml "
            "(see templates/tasks-api/assignment.toml for an example)"
        )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UserError(f"{path}: not valid TOML ({exc}); fix the syntax at that spot") from exc
    try:
        spec = Assignment.model_validate(data)
    except ValidationError as exc:
        raise UserError(describe_validation_error(path, exc)) from exc
    for name, upstream in (spec.app.upstreams if spec.app else {}).items():
        script = (folder / upstream.script).resolve()
        if not script.is_file() or not script.is_relative_to(folder.resolve()):
            raise UserError(
                f"{path}: app.upstreams.{name}.script: {upstream.script} is not a file of "
                f"{folder}; the upstream's script belongs to the assignment (never to the "
                "submission): write it there or fix the path"
            )
    for index, milestone in enumerate(spec.milestones):
        if not (folder / milestone.body).is_file():
            raise UserError(
                f"{path}: milestones.{index}.body: {milestone.body} is not a file of "
                f"{folder}; write the issue's Markdown there or fix the path"
            )
    return LoadedAssignment(spec=spec, root=folder.resolve())


def describe_validation_error(path: Path, exc: ValidationError) -> str:
    """One line per problem: file, dotted field, what is wrong and what to write instead."""
    lines = [f"{path}: {exc.error_count()} problem(s)"]
    for error in exc.errors():
        field = ".".join(str(part) for part in error["loc"]) or "(top level)"
        lines.append(f"  {field}: {_fix_for(error['type'], error['msg'])}")
    return "\n".join(lines)


def _fix_for(kind: str, message: str) -> str:
    fixes = {
        "missing": "required; add it",
        "extra_forbidden": "unknown field; check its spelling or remove it",
    }
    return fixes.get(kind, message.removeprefix("Value error, "))
