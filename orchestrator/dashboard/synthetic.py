"""A realistic generated class, seeded and reproducible, for demos and benchmarks.

Each learner follows a trajectory (strong, steady, stuck on one check, dropping, late starter,
quitting, never started). On each push every failing check may get fixed and every passing
one may regress, at rates set by the learner's ability and trajectory, so histories look like
real ones: a few pushes to green for the strong, a plateau for the stuck, a slide for the
dropping. Each push gets a practice grade; each deadline that has passed gets an official
run (`synthetic_official`), with a few gamed public tests and a lost grade job among them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

from graders.stages.registry import StageName
from orchestrator.dashboard.classinfo import AssignmentInfo, ClassInfo, LearnerInfo
from orchestrator.dashboard.synthetic_official import merged, official_runs
from orchestrator.grades_store import GradedSubmission, NotGraded, StageRecord, StoreLine

COURSE_START = datetime(2026, 1, 12, 9, 0, tzinfo=UTC)  # a Monday
ORG_URL = "https://github.com/backend-classroom-demo"
STAGE_POINTS: dict[StageName, float] = {
    "install": 0.0,
    "tests": 30.0,
    "hidden": 30.0,
    "lint": 10.0,
    "types": 10.0,
    "load": 20.0,
}

THEMES = [
    ("tasks-api", "Tasks API: CRUD, auth and pagination", "tasks"),
    ("booking-api", "Booking system: no double bookings", "bookings"),
    ("auth-service", "Authentication service: JWT and refresh", "sessions"),
    ("rate-limiter", "Rate limiter drill", "quotas"),
    ("webhook-aggregator", "Webhook aggregator with a queue", "events"),
    ("feature-flags", "Feature flags with a cache", "flags"),
    ("file-pipeline", "File pipeline: async uploads", "uploads"),
    ("job-board", "Job board API", "jobs"),
    ("notifications", "Notification service", "notifications"),
    ("inherited-service", "Inherited service: find and fix", "orders"),
]

# (stage, check name with {r} for the resource, how often a first attempt fails it)
CHECKS: list[tuple[StageName, str, float]] = [
    ("tests", "test_create_{r}_returns_201", 0.10),
    ("tests", "test_list_{r}", 0.10),
    ("tests", "test_get_missing_{r}_returns_404", 0.25),
    ("tests", "test_update_{r}", 0.20),
    ("tests", "test_delete_{r}_returns_204", 0.25),
    ("tests", "test_invalid_body_returns_422", 0.35),
    ("hidden", "test_other_users_{r}_are_forbidden", 0.65),
    ("hidden", "test_cursor_pagination_is_stable", 0.50),
    ("hidden", "test_post_with_idempotency_key_is_idempotent", 0.45),
    ("hidden", "test_filter_{r}_by_status", 0.30),
    ("hidden", "test_concurrent_updates_keep_both_writes", 0.50),
    ("lint", "ruff F401", 0.35),
    ("lint", "ruff B006", 0.20),
    ("lint", "ruff E501", 0.30),
    ("types", "mypy arg-type", 0.35),
    ("types", "mypy union-attr", 0.40),
    ("types", "mypy no-untyped-def", 0.30),
    ("load", "GET /{r} p95 <= 200 ms", 0.75),
    ("load", "POST /{r} error rate <= 1%", 0.35),
    ("load", "Aggregated throughput >= 150 rps", 0.30),
]
# The checks a "stuck" learner cannot get past: authorization and the latency SLO.
STUCK_ON = ("test_other_users_{r}_are_forbidden", "GET /{r} p95 <= 200 ms")

FIRST = """
ada ben chen dara eli fatima gus hana ivan jo kemal lena mo nia omar priya
quinn rosa sami tariq uma vik wen xavi yara zoe amir bea caio dina emre farah
goran ines jun kofi lucia mei nikos olu
""".split()  # noqa: SIM905 -- a word list reads better than one word per line
LAST = """
okafor lindqvist tanaka silva novak haddad kowalski mensah petrov garcia nguyen
muller rossi kim osei patel dubois yilmaz santos ahmed berg costa ivanova
larsen moreau nakamura oliveira popescu quispe reyes
""".split()  # noqa: SIM905 -- a word list reads better than one word per line


@dataclass(frozen=True)
class Trajectory:
    """How a kind of learner works: when they start, how often they push, how they improve."""

    name: str
    weight: float
    start_days: tuple[float, float]
    pushes: tuple[int, int]
    fix_rate: float
    regress_rate: float  # checks broken per push, on average
    gap_days: float


TRAJECTORIES = [
    Trajectory("strong", 0.24, (0.0, 2.0), (2, 5), 0.75, 0.1, 0.6),
    Trajectory("steady", 0.30, (1.0, 6.0), (3, 8), 0.30, 0.3, 1.0),
    Trajectory("stuck", 0.14, (1.0, 4.0), (6, 11), 0.35, 0.2, 0.8),
    Trajectory("dropping", 0.09, (1.0, 5.0), (4, 8), 0.30, 1.0, 1.0),
    Trajectory("late", 0.09, (10.0, 15.0), (2, 5), 0.45, 0.3, 0.5),
    Trajectory("quitting", 0.08, (1.0, 5.0), (2, 6), 0.35, 0.3, 1.2),
    Trajectory("never", 0.06, (0.0, 0.0), (0, 0), 0.0, 0.0, 1.0),
]


@dataclass(frozen=True)
class SyntheticClass:
    """A generated class: the course facts, every grade (practice grades of pushes, official
    grades of the deadlines that passed), the official grades not given, and the moment it is
    seen at."""

    info: ClassInfo
    submissions: tuple[GradedSubmission, ...]
    as_of: datetime
    trajectories: dict[str, str]
    not_graded: tuple[NotGraded, ...] = ()

    @property
    def lines(self) -> tuple[StoreLine, ...]:
        """Everything the store holds."""
        return (*self.submissions, *self.not_graded)


def synthetic_class(learners: int, assignments: int, seed: int = 7) -> SyntheticClass:
    """`learners` learners on `assignments` weekly assignments, seen a Monday morning."""
    rng = random.Random(seed)
    infos = [_assignment(i) for i in range(assignments)]
    as_of = COURSE_START + timedelta(days=7 * assignments, hours=-1)
    logins = _logins(rng, learners)
    roster, pushes, kinds = [], {}, {}
    for login in logins:
        kind = rng.choices(TRAJECTORIES, weights=[t.weight for t in TRAJECTORIES])[0]
        kinds[login] = kind.name
        learner = _Learner(rng, login, kind, as_of, quit_after=rng.randrange(1, assignments + 1))
        roster.append(learner.info(infos))
        for index, assignment in enumerate(infos):
            pushes[(login, assignment.slug)] = learner.work_on(assignment, index)
    tests = {a.slug: _public_tests(i) for i, a in enumerate(infos)}
    # A generator of its own, so the official runs leave the pushes as they were.
    official, lost = official_runs(random.Random(seed + 1), infos, pushes, as_of, tests)
    info = ClassInfo(
        course="Backend Engineering with Python (demo class)",
        learners=tuple(roster),
        assignments=tuple(infos),
    )
    return SyntheticClass(info=info, submissions=tuple(merged(pushes, official)), as_of=as_of,
                          trajectories=kinds, not_graded=tuple(lost))  # fmt: skip


def _public_tests(index: int) -> tuple[str, ...]:
    return tuple(name for stage, name, _ in _checks_of(index) if stage == "tests")


def _assignment(index: int) -> AssignmentInfo:
    slug, title, _ = THEMES[index % len(THEMES)]
    if index >= len(THEMES):
        slug = f"{slug}-{index // len(THEMES) + 1}"
    opens = COURSE_START + timedelta(days=7 * index)
    return AssignmentInfo(
        slug=slug,
        title=title,
        opens_at=opens,
        deadline=opens + timedelta(days=14, hours=14, minutes=59),
        max_score=sum(STAGE_POINTS.values()),
        pass_percent=70.0,
    )


@cache
def _checks_of(index: int) -> list[tuple[StageName, str, float]]:
    """The checks of assignment `index`; each assignment has a few checks the class finds hard."""
    resource = THEMES[index % len(THEMES)][2]
    hard = set(random.Random(index).sample(range(len(CHECKS)), 2))
    return [
        (stage, name.format(r=resource), min(0.9, rate + 0.3) if i in hard else rate)
        for i, (stage, name, rate) in enumerate(CHECKS)
    ]


def _logins(rng: random.Random, count: int) -> list[str]:
    seen: set[str] = set()
    while len(seen) < count:
        login = f"{rng.choice(FIRST)}-{rng.choice(LAST)}"
        if login in seen:
            login = f"{login}{rng.randrange(2, 99)}"
        seen.add(login)
    return sorted(seen)


_ABILITY = {"strong": 0.8, "stuck": 0.4, "dropping": 0.45}


class _Learner:
    def __init__(
        self, rng: random.Random, login: str, kind: Trajectory, as_of: datetime, quit_after: int
    ) -> None:
        self.rng, self.login, self.kind, self.as_of = rng, login, kind, as_of
        self.ability = min(1.0, max(0.05, rng.gauss(_ABILITY.get(kind.name, 0.5), 0.15)))
        self.quit_after = quit_after
        self.pr_number = rng.randrange(1, 4)

    def info(self, assignments: list[AssignmentInfo]) -> LearnerInfo:
        repos = {
            a.slug: self.repo_url(a.slug)
            for a in assignments
            if a.opens_at and a.opens_at <= self.as_of and self.rng.random() > 0.02
        }
        return LearnerInfo(login=self.login, name=self.login.replace("-", " ").title(), repos=repos)

    def repo_url(self, slug: str) -> str:
        return f"{ORG_URL}/{slug}-{self.login}"

    def work_on(self, info: AssignmentInfo, index: int) -> list[GradedSubmission]:
        """Every graded push of this learner on `info`, up to the moment the class is seen."""
        if self.kind.name == "never" or (self.kind.name == "quitting" and index >= self.quit_after):
            return []
        assert info.opens_at is not None
        resource = THEMES[index % len(THEMES)][2]
        checks = _checks_of(index)
        stuck = {s.format(r=resource) for s in STUCK_ON}
        when = info.opens_at + timedelta(days=self.rng.uniform(*self.kind.start_days))
        failing = {
            (stage, name)
            for stage, name, rate in checks
            if self.rng.random() < rate * (1.4 - self.ability)
        }
        if self.kind.name == "stuck":
            failing.add(self._stuck_check(checks, stuck))
        subs = []
        for push in range(self.rng.randint(*self.kind.pushes)):
            if when > self.as_of:
                break
            subs.append(self._graded(info, push, when, failing, checks))
            if not failing and self.kind.name in ("strong", "late"):
                break
            failing = self._next_attempt(failing, checks, stuck, push)
            when += timedelta(
                days=self.rng.expovariate(1 / self.kind.gap_days),
                minutes=self.rng.randrange(5, 240),
            )
        return subs

    def _stuck_check(
        self, checks: list[tuple[StageName, str, float]], stuck: set[str]
    ) -> tuple[StageName, str]:
        stage, name, _ = self.rng.choice([c for c in checks if c[1] in stuck])
        return (stage, name)

    def _next_attempt(
        self,
        failing: set[tuple[StageName, str]],
        checks: list[tuple[StageName, str, float]],
        stuck: set[str],
        push: int,
    ) -> set[tuple[StageName, str]]:
        kind, rng = self.kind, self.rng
        hardness = {(stage, name): rate for stage, name, rate in checks}
        fix = kind.fix_rate * (0.5 + self.ability)
        after = {
            c
            for c in sorted(failing)  # sorted: set order changes with each process's hash seed
            if (kind.name == "stuck" and c[1] in stuck) or rng.random() > fix * (1.1 - hardness[c])
        }
        regress = kind.regress_rate / len(checks) * (1 + push / 2 if kind.name == "dropping" else 1)
        after |= {(stage, name) for stage, name, _ in checks if rng.random() < regress}
        return after

    def _graded(
        self,
        info: AssignmentInfo,
        push: int,
        when: datetime,
        failing: set[tuple[StageName, str]],
        checks: list[tuple[StageName, str, float]],
    ) -> GradedSubmission:
        broken_install = push == 0 and self.rng.random() < 0.04
        stages = tuple(_stage(stage, checks, failing, broken_install) for stage in STAGE_POINTS)
        has_pr = push >= 1 and self.rng.random() < 0.9
        pr_url = f"{self.repo_url(info.slug)}/pull/{self.pr_number}" if has_pr else ""
        return GradedSubmission(
            learner=self.login,
            assignment=info.slug,
            commit=f"{self.rng.getrandbits(160):040x}",
            graded_at=when.replace(microsecond=0),
            tier="practice",
            score=round(sum(s.score for s in stages), 2),
            max_score=info.max_score,
            stages=stages,
            repo_url=self.repo_url(info.slug),
            pr_url=pr_url,
            comment_url=f"{pr_url}#issuecomment-{self.rng.randrange(10**8, 10**9)}"
            if has_pr
            else "",
            grader_version="0.1.0",
        )


def _stage(
    name: StageName,
    checks: list[tuple[StageName, str, float]],
    failing: set[tuple[StageName, str]],
    broken_install: bool,
) -> StageRecord:
    points = STAGE_POINTS[name]
    if name == "install":
        return StageRecord(
            name=name, status="failed" if broken_install else "passed", score=0.0, max_score=points
        )
    if broken_install:
        return StageRecord(name=name, status="skipped", score=0.0, max_score=points)
    mine = [n for s, n, _ in checks if s == name]
    failed = tuple(n for n in mine if (name, n) in failing)
    score = round(points * (len(mine) - len(failed)) / len(mine), 2)
    return StageRecord(
        name=name,
        status="failed" if failed else "passed",
        score=score,
        max_score=points,
        failed_checks=failed,
    )
