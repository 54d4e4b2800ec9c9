"""What the dashboard shows, computed from the class and its grades: pure, no I/O."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from graders.assignment import STAGE_ORDER, StageName
from orchestrator.dashboard.classinfo import AssignmentInfo, ClassInfo, LearnerInfo
from orchestrator.grades_store import GradedSubmission, GradesStore

HISTOGRAM_BINS = 10


@dataclass(frozen=True)
class Progress:
    """One learner on one assignment: their graded history and what it adds up to."""

    login: str
    assignment: AssignmentInfo
    history: tuple[GradedSubmission, ...]
    repo_url: str

    @cached_property
    def deadline(self) -> datetime | None:
        """This learner's deadline (an extension moves it)."""
        return self.assignment.deadline_for(self.login)

    @property
    def latest(self) -> GradedSubmission | None:
        return self.history[-1] if self.history else None

    @property
    def provisioned(self) -> bool:
        return bool(self.repo_url)

    @property
    def started(self) -> bool:
        return bool(self.history)

    @property
    def submitted(self) -> bool:
        """A pull request is open: the learner handed the work in for review."""
        return any(sub.pr_url for sub in self.history)

    @property
    def passing(self) -> bool:
        latest = self.latest
        return latest is not None and latest.percent >= self.assignment.pass_percent

    @property
    def best_percent(self) -> float:
        return max((sub.percent for sub in self.history), default=0.0)

    @property
    def pr_url(self) -> str:
        return next((sub.pr_url for sub in reversed(self.history) if sub.pr_url), "")

    @property
    def comment_url(self) -> str:
        return next((s.comment_url for s in reversed(self.history) if s.comment_url), "")

    def is_late(self, sub: GradedSubmission) -> bool:
        """Graded after the deadline."""
        deadline = self.deadline
        return deadline is not None and sub.graded_at > deadline

    @property
    def late_pushes(self) -> int:
        return sum(1 for sub in self.history if self.is_late(sub))


@dataclass(frozen=True)
class Rate:
    """`hits` out of `total`, e.g. learners passing a stage out of those who ran it."""

    hits: int
    total: int

    @property
    def percent(self) -> float:
        return 100.0 * self.hits / self.total if self.total else 0.0


@dataclass(frozen=True)
class CheckFailures:
    """How often the class fails one check, on the latest push and over all pushes."""

    stage: StageName
    name: str
    learners: Rate
    pushes: int


@dataclass(frozen=True)
class AssignmentSummary:
    """The class on one assignment."""

    info: AssignmentInfo
    progresses: tuple[Progress, ...]

    @cached_property
    def started(self) -> tuple[Progress, ...]:
        return tuple(p for p in self.progresses if p.started)

    @property
    def provisioned(self) -> int:
        return sum(1 for p in self.progresses if p.provisioned)

    @property
    def submitted(self) -> int:
        return sum(1 for p in self.progresses if p.submitted)

    @property
    def passing(self) -> int:
        return sum(1 for p in self.progresses if p.passing)

    @property
    def median_percent(self) -> float | None:
        latest = [p.latest.percent for p in self.started if p.latest]
        return statistics.median(latest) if latest else None

    @cached_property
    def histogram(self) -> tuple[int, ...]:
        """Learners per score band of width 100/HISTOGRAM_BINS; 100% counts in the top band."""
        bins = [0] * HISTOGRAM_BINS
        for p in self.started:
            if p.latest:
                bins[min(int(p.latest.percent * HISTOGRAM_BINS / 100), HISTOGRAM_BINS - 1)] += 1
        return tuple(bins)

    @cached_property
    def stage_rates(self) -> tuple[tuple[StageName, Rate], ...]:
        """Share of learners whose latest push passed each stage, out of those it ran for."""
        passed: Counter[StageName] = Counter()
        ran: Counter[StageName] = Counter()
        for latest in _latest(self.started):
            for stage in latest.stages:
                if stage.status != "skipped":
                    ran[stage.name] += 1
                    passed[stage.name] += stage.status == "passed"
        return tuple((name, Rate(passed[name], ran[name])) for name in STAGE_ORDER if ran[name])

    @cached_property
    def check_failures(self) -> tuple[CheckFailures, ...]:
        """Every check someone fails, the most failed first."""
        return _check_failures(self.started)


def _latest(progresses: Iterable[Progress]) -> Iterable[GradedSubmission]:
    return (p.latest for p in progresses if p.latest)


def _check_failures(started: Iterable[Progress]) -> tuple[CheckFailures, ...]:
    now_failing: Counter[tuple[StageName, str]] = Counter()
    pushes: Counter[tuple[StageName, str]] = Counter()
    ran: Counter[StageName] = Counter()
    for progress in started:
        for sub in progress.history:
            pushes.update(sub.failed_checks)
        latest = progress.history[-1]
        now_failing.update(latest.failed_checks)
        ran.update(s.name for s in latest.stages if s.status != "skipped")
    rows = [
        CheckFailures(stage, name, Rate(now_failing[(stage, name)], ran[stage]), count)
        for (stage, name), count in pushes.items()
    ]
    return tuple(sorted(rows, key=lambda c: (-c.learners.hits, -c.pushes, c.stage, c.name)))


@dataclass(frozen=True)
class LearnerSummary:
    """One learner across the course."""

    info: LearnerInfo
    progresses: tuple[Progress, ...]

    @property
    def login(self) -> str:
        return self.info.login

    @property
    def last_push(self) -> GradedSubmission | None:
        latest = [p.latest for p in self.progresses if p.latest]
        return max(latest, key=lambda s: s.graded_at, default=None)


@dataclass(frozen=True)
class ClassSummary:
    """The whole class: per assignment and per learner."""

    info: ClassInfo
    assignments: tuple[AssignmentSummary, ...]
    learners: tuple[LearnerSummary, ...]


def summarise(info: ClassInfo, store: GradesStore) -> ClassSummary:
    """Join the roster, the assignments and the store into the dashboard's figures."""
    roster = _roster_with_store_learners(info, store)
    grid = {
        (a.slug, learner.login): _progress(learner, a, store)
        for learner in roster
        for a in info.assignments
    }
    assignments = tuple(
        AssignmentSummary(a, tuple(grid[(a.slug, learner.login)] for learner in roster))
        for a in info.assignments
    )
    learners = tuple(
        LearnerSummary(learner, tuple(grid[(a.slug, learner.login)] for a in info.assignments))
        for learner in roster
    )
    return ClassSummary(info=info, assignments=assignments, learners=learners)


def _roster_with_store_learners(info: ClassInfo, store: GradesStore) -> list[LearnerInfo]:
    """The roster, plus anyone graded but missing from it (they should not vanish)."""
    known = {learner.login for learner in info.learners}
    extra = [LearnerInfo(login=login) for login in store.learners if login not in known]
    return sorted([*info.learners, *extra], key=lambda learner: learner.login.lower())


def _progress(learner: LearnerInfo, assignment: AssignmentInfo, store: GradesStore) -> Progress:
    history = store.history(assignment.slug, learner.login)
    repo = learner.repos.get(assignment.slug) or next(
        (sub.repo_url for sub in reversed(history) if sub.repo_url), ""
    )
    return Progress(login=learner.login, assignment=assignment, history=history, repo_url=repo)
