"""Which official grade counts, and the late-day budget spent on it, per learner; pure.

For each assignment a learner may have several graded commits: the one on time (the head
of the default branch at their deadline) and later ones graded at the end of late days. In
deadline order, for each assignment:
1. each graded commit is judged with the late policy and the budget days still left
   (`deadlines.cheapest`: budget days are spent only where they save points, the fewest
   that do); a commit later than the policy accepts, or than the budget pays for when the
   assignment has no `[late]` policy, is refused;
2. `counts` picks one: `latest`, the last pushed accepted commit; `best`, the highest score
   after penalty (a tie goes to the one spending fewer budget days, then the earlier);
   `on-time`, the on-time one, and only when there is none the latest late one;
3. the budget days the counted grade used are spent; later assignments see what is left.

A regrade of a commit replaces its earlier grade (the one graded last wins). Group
assignments never spend budget days (whose budget would it be?): only their policy applies.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from orchestrator.course import Counts, Course, LatePolicy
from orchestrator.deadlines import LateResult, cheapest
from orchestrator.grades_store import GradedSubmission
from reporter.moments import days_late, utc


@dataclass(frozen=True)
class Graded:
    """One official grade of one commit, with how late that commit arrived."""

    commit: str
    score: float
    max_score: float
    days_late: int
    graded_at: datetime
    pushed_at: datetime | None = None  # when the commit became the branch's head, if known

    @property
    def arrived(self) -> datetime:
        """When the commit arrived, as near as is known (its push, else its grade)."""
        return self.pushed_at or self.graded_at


Option = tuple[Graded, LateResult]
Standing = Literal["on time", "late", "no submission", "too late"]


@dataclass(frozen=True)
class Terms:
    """What decides a learner's grade on one assignment."""

    slug: str
    deadline: datetime  # the learner's own: their extension, else the assignment's
    policy: LatePolicy | None
    counts: Counts
    spends_budget: bool = True  # False for group assignments


@dataclass(frozen=True)
class Counted:
    """The grade that counts on one assignment, and the budget around it."""

    slug: str
    grade: Graded | None  # None: nothing graded, or everything refused
    result: LateResult | None
    budget_before: int
    budget_after: int
    refused: tuple[Graded, ...] = ()  # graded commits too late to count

    @property
    def status(self) -> Standing:
        """`on time`, `late`, `no submission` or `too late` (everything graded was refused)."""
        if self.result is not None:  # only accepted grades count
            return "late" if self.result.late else "on time"
        return "too late" if self.refused else "no submission"


def ledger(
    terms: Sequence[Terms], grades: Mapping[str, Sequence[Graded]], budget: int
) -> list[Counted]:
    """What counts on each assignment of `terms` (any order; judged in deadline order) for a
    learner with `budget` free late days and `grades` (slug -> graded commits)."""
    left = budget
    counted = []
    for term in sorted(terms, key=lambda t: (utc(t.deadline), t.slug)):
        usable = left if term.spends_budget else 0
        one = count_one(term, grades.get(term.slug, ()), usable)
        spent = one.result.budget_days if one.result is not None else 0
        counted.append(Counted(one.slug, one.grade, one.result, left, left - spent, one.refused))
        left -= spent
    return counted


def count_one(term: Terms, grades: Iterable[Graded], budget_left: int) -> Counted:
    """The grade that counts on one assignment, with `budget_left` budget days available."""
    judged = [
        (g, cheapest(g.score, g.max_score, g.days_late, term.policy, budget_left))
        for g in latest_per_commit(grades)
    ]
    accepted = [(g, r) for g, r in judged if r.status != "refused"]
    refused = tuple(g for g, r in judged if r.status == "refused")
    pick = choose(accepted, term.counts)
    grade, result = pick if pick is not None else (None, None)
    spent = result.budget_days if result is not None else 0
    return Counted(term.slug, grade, result, budget_left, budget_left - spent, refused)


def latest_per_commit(grades: Iterable[Graded]) -> list[Graded]:
    """One grade per commit, the one graded last (a regrade replaces), oldest push first."""
    newest: dict[str, Graded] = {}
    for g in sorted(grades, key=lambda g: utc(g.graded_at)):
        newest[g.commit] = g
    return sorted(newest.values(), key=lambda g: (g.days_late, utc(g.arrived)))


def choose(options: Sequence[Option], counts: Counts) -> Option | None:
    """The option `counts` picks among accepted ones (oldest push first)."""
    if not options:
        return None
    if counts == "best":
        return max(options, key=lambda o: (o[1].score, -o[1].budget_days, -o[0].days_late))
    if counts == "on-time":
        on_time = [o for o in options if o[0].days_late == 0]
        return (on_time or options)[-1]
    return options[-1]


def judge_commit(
    terms: Sequence[Terms],
    grades: Mapping[str, Sequence[Graded]],
    budget: int,
    slug: str,
    commit: str,
) -> LateResult | None:
    """How the late policy judges one graded `commit` of `slug` on its own, with the budget
    days left before `slug` (None: `slug` has no deadline or no grade of `commit`)."""
    term = next((t for t in terms if t.slug == slug), None)
    graded = [g for g in latest_per_commit(grades.get(slug, ())) if g.commit == commit]
    if term is None or not graded:
        return None
    before = next(c for c in ledger(terms, grades, budget) if c.slug == slug).budget_before
    one = graded[0]
    usable = before if term.spends_budget else 0
    return cheapest(one.score, one.max_score, one.days_late, term.policy, usable)


# --- from a course and its store -------------------------------------------------------------


def terms_of(course: Course, login: str) -> list[Terms]:
    """The terms of every assignment with a deadline, for `login`."""
    return [
        Terms(
            slug=slug,
            deadline=deadline,
            policy=course.late_policy(slug),
            counts=course.counts_of(slug),
            spends_budget=not spec.group,
        )
        for slug, spec in course.assignments.items()
        if (deadline := spec.deadline_of(login)) is not None
    ]


def graded_from_store(history: Iterable[GradedSubmission]) -> list[Graded]:
    """The official grades of a store history as `Graded`.

    A grade judged against a deadline keeps when its commit was pushed and that deadline;
    its lateness is counted from them. A grade without them (given before the deadline, or
    by an official run older than late grading) is on time.
    """
    return [
        Graded(
            s.commit,
            s.score,
            s.max_score,
            days_late(s.pushed_at, s.deadline) if s.pushed_at and s.deadline else 0,
            s.graded_at,
            s.pushed_at,
        )
        for s in history
        if s.tier == "official"
    ]


def budget_left(course: Course, login: str, grades: Mapping[str, Sequence[Graded]]) -> int:
    """The late days `login` has left after every assignment graded so far."""
    counted = ledger(terms_of(course, login), grades, course.late_days)
    return counted[-1].budget_after if counted else course.late_days
