"""What the dashboard shows, computed from the class and its grades: pure, no I/O."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from graders.stages import registry
from graders.stages.registry import StageName
from orchestrator.dashboard.classinfo import AssignmentInfo, ClassInfo, LearnerInfo
from orchestrator.grades_store import GradedSubmission, GradesStore, NotGraded
from orchestrator.standing import Standing, TierWord, standing, standings
from reporter.moments import days_late

HISTOGRAM_BINS = 10
# An official grade this many points of 100 (or more) below the practice grade of the same
# work, on the stages both ran, is listed with the files the official grade put back: honest
# work scores alike in both tiers (the official grade adds hidden checks, which practice does
# not run), so a gap this wide means the practice run passed what the real tests fail.
GAMED_GAP_POINTS = 20.0


@dataclass(frozen=True)
class Progress:
    """One learner on one assignment: their grades (both tiers) and what they add up to."""

    login: str
    assignment: AssignmentInfo
    history: tuple[GradedSubmission, ...]
    repo_url: str
    attempts: tuple[NotGraded, ...] = ()  # official grades attempted and not given
    counted: Standing | None = None  # the grade that counts, judged over the whole course

    @cached_property
    def deadline(self) -> datetime | None:
        """This learner's deadline (an extension moves it)."""
        return self.assignment.deadline_for(self.login)

    @cached_property
    def standing(self) -> Standing:
        return self.counted or standing(self.history, self.attempts)

    @property
    def grade(self) -> GradedSubmission | None:
        """The grade that counts (`orchestrator.standing`): official, else practice."""
        return self.standing.grade

    @property
    def percent(self) -> float | None:
        """The points that count, as a percentage (after a late penalty; 0 for "no
        submission"); None when nothing counts yet."""
        return self.standing.percent

    @property
    def tier(self) -> TierWord | None:
        return self.standing.tier

    @cached_property
    def regrades(self) -> tuple[Regrade, ...]:
        """Each official grade that replaced an earlier one of the same commit, oldest first."""
        last: dict[str, GradedSubmission] = {}
        found = []
        for sub in self.history:
            if sub.tier != "official":
                continue
            before = last.get(sub.commit)
            if before is not None:
                found.append(
                    Regrade(sub.commit, sub.reason, before.score, sub.score, sub.graded_at)
                )
            last[sub.commit] = sub
        return tuple(found)

    @cached_property
    def practice(self) -> tuple[GradedSubmission, ...]:
        return tuple(s for s in self.history if s.tier == "practice")

    @property
    def latest_practice(self) -> GradedSubmission | None:
        return self.practice[-1] if self.practice else None

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
        percent = self.percent
        return percent is not None and percent >= self.assignment.pass_percent

    @property
    def best_percent(self) -> float:
        return max((sub.percent for sub in self.history), default=0.0)

    @cached_property
    def pushes(self) -> int:
        """The commits graded (an official grade of a commit already graded adds none)."""
        return len({sub.commit for sub in self.history})

    @property
    def pr_url(self) -> str:
        return next((sub.pr_url for sub in reversed(self.history) if sub.pr_url), "")

    @property
    def comment_url(self) -> str:
        return next((s.comment_url for s in reversed(self.history) if s.comment_url), "")

    def is_late(self, sub: GradedSubmission) -> bool:
        """A practice grade after the deadline, or an official grade of a commit pushed after
        it (official grades come after the deadline by design)."""
        if sub.tier == "official":
            return late_days(sub) > 0
        deadline = self.deadline
        return deadline is not None and sub.graded_at > deadline

    @property
    def late_pushes(self) -> int:
        """Practice grades after the deadline."""
        return sum(1 for sub in self.practice if self.is_late(sub))

    @cached_property
    def gap(self) -> OfficialGap | None:
        """The official grade far below the practice grade of the same work, if it is."""
        return official_gap(self.history, self.grade)


def late_days(sub: GradedSubmission) -> int:
    """Late days of an official grade's commit against the deadline it was judged against."""
    if sub.pushed_at is None or sub.deadline is None:
        return 0
    return days_late(sub.pushed_at, sub.deadline)


@dataclass(frozen=True)
class Regrade:
    """An official grade of a commit given again: why, and the score before and after."""

    commit: str
    reason: str
    before: float
    after: float
    at: datetime


@dataclass(frozen=True)
class OfficialGap:
    """An official grade far below the practice grade of the same work: the signature of
    public tests that were gamed (rewritten, or a conftest that turns failures into passes)."""

    official: GradedSubmission
    practice: GradedSubmission
    stages: tuple[StageName, ...]  # the stages both grades ran, which the points compare
    points: float  # practice minus official, in points of 100 on those stages


def official_gap(
    history: Sequence[GradedSubmission], grade: GradedSubmission | None
) -> OfficialGap | None:
    """Compare the official `grade` with the practice grade of its commit (else the latest
    practice grade before it) on the stages both ran; a gap of GAMED_GAP_POINTS or more."""
    if grade is None or grade.tier != "official":
        return None
    practice = [s for s in history if s.tier == "practice"]
    same = [s for s in practice if s.commit == grade.commit]
    earlier = [s for s in practice if s.graded_at <= grade.graded_at]
    if not (same or earlier):
        return None
    other = (same or earlier)[-1]
    stages = tuple(
        s.name
        for s in other.stages
        if s.status != "skipped" and s.max_score > 0 and grade.stage(s.name)
    )
    points = _percent_on(other, stages) - _percent_on(grade, stages)
    if points < GAMED_GAP_POINTS:
        return None
    return OfficialGap(grade, other, stages, round(points, 1))


def _percent_on(sub: GradedSubmission, names: Sequence[StageName]) -> float:
    stages = [s for s in sub.stages if s.name in names]
    top = sum(s.max_score for s in stages)
    return 100.0 * sum(s.score for s in stages) / top if top else 0.0


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

    @property
    def is_goal(self) -> bool:
        """A goal missed (a load goal), not a check failed: the sentence says "misses"."""
        return registry.stage(self.stage).goals


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

    @cached_property
    def percents(self) -> tuple[float, ...]:
        """The percent that counts of each learner with one ("no submission" is a 0)."""
        return tuple(p.percent for p in self.progresses if p.percent is not None)

    @property
    def median_percent(self) -> float | None:
        return statistics.median(self.percents) if self.percents else None

    @cached_property
    def histogram(self) -> tuple[int, ...]:
        """Learners per score band of width 100/HISTOGRAM_BINS; 100% counts in the top band."""
        bins = [0] * HISTOGRAM_BINS
        for percent in self.percents:
            bins[min(int(percent * HISTOGRAM_BINS / 100), HISTOGRAM_BINS - 1)] += 1
        return tuple(bins)

    @cached_property
    def tiers(self) -> Counter[TierWord]:
        """Learners per tier of the grade that counts: official, practice, not graded."""
        return Counter(p.tier for p in self.progresses if p.tier)

    @cached_property
    def gaps(self) -> tuple[Progress, ...]:
        """Learners whose official grade is far below their practice grade, widest gap first."""
        found = [p for p in self.progresses if p.gap]
        return tuple(sorted(found, key=lambda p: (-p.gap.points if p.gap else 0, p.login)))

    @cached_property
    def stage_rates(self) -> tuple[tuple[StageName, Rate], ...]:
        """Share of learners whose counted grade passed each stage, out of those it ran for."""
        passed: Counter[StageName] = Counter()
        ran: Counter[StageName] = Counter()
        for grade in _grades(self.started):
            for stage in grade.stages:
                if stage.status != "skipped":
                    ran[stage.name] += 1
                    passed[stage.name] += stage.status == "passed"
        return tuple(
            (name, Rate(passed[name], ran[name])) for name in registry.names() if ran[name]
        )

    @cached_property
    def check_failures(self) -> tuple[CheckFailures, ...]:
        """Every check someone fails, the most failed first."""
        return _check_failures(self.started)


def _grades(progresses: Iterable[Progress]) -> Iterable[GradedSubmission]:
    return (p.grade for p in progresses if p.grade)


def _check_failures(started: Iterable[Progress]) -> tuple[CheckFailures, ...]:
    now_failing: Counter[tuple[StageName, str]] = Counter()
    pushes: Counter[tuple[StageName, str]] = Counter()
    ran: Counter[StageName] = Counter()
    for progress in started:
        for sub in progress.history:
            pushes.update(sub.failed_checks)
        counted = progress.grade or progress.history[-1]
        now_failing.update(counted.failed_checks)
        ran.update(s.name for s in counted.stages if s.status != "skipped")
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
        """The latest practice grade (a push), else the latest grade of any tier."""
        pushes = [p.latest_practice for p in self.progresses if p.latest_practice]
        grades = pushes or [p.history[-1] for p in self.progresses if p.history]
        return max(grades, key=lambda s: s.graded_at, default=None)


@dataclass(frozen=True)
class ClassSummary:
    """The whole class: per assignment and per learner."""

    info: ClassInfo
    assignments: tuple[AssignmentSummary, ...]
    learners: tuple[LearnerSummary, ...]


def summarise(info: ClassInfo, store: GradesStore) -> ClassSummary:
    """Join the roster, the assignments and the store into the dashboard's figures."""
    roster = _roster_with_store_learners(info, store)
    slugs = [a.slug for a in info.assignments]
    grid = {}
    for learner in roster:
        login = learner.login
        counted = standings(store, login, slugs, info.terms_for(login), info.late_days)
        for a in info.assignments:
            grid[(a.slug, login)] = _progress(learner, a, store, counted[a.slug])
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


def _progress(
    learner: LearnerInfo, assignment: AssignmentInfo, store: GradesStore, counted: Standing
) -> Progress:
    history = store.history(assignment.slug, learner.login)
    attempts = store.attempts(assignment.slug, learner.login)
    repo = learner.repos.get(assignment.slug) or _known_repo(history, attempts)
    return Progress(login=learner.login, assignment=assignment, history=history, repo_url=repo,
                    attempts=attempts, counted=counted)  # fmt: skip


def _known_repo(history: tuple[GradedSubmission, ...], attempts: tuple[NotGraded, ...]) -> str:
    """The repository the store last named for this learner and assignment."""
    urls = [s.repo_url for s in history] + [a.repo_url for a in attempts]
    return next((url for url in reversed(urls) if url), "")
