"""Which grade counts for a learner on an assignment, wherever it is shown: `classroom
collect`'s CSV, the dashboard, the official comment. Pure.

Among a learner's official grades, the one the late-day ledger picks (`late_ledger`: the
course's `counts`, the late policy's penalty, the budget of late days, judged over every
assignment with a deadline, in deadline order), with its late result; when every official
grade was later than accepted, "too late" (0); when an official run found no submission and
nothing later was accepted, "no submission" (0); without any official result, the latest
practice grade, shown as practice. An official grade attempted and not given (`NotGraded`)
is never a score: it is shown beside whatever counts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from orchestrator.deadlines import LateResult
from orchestrator.grades_store import (
    GradedSubmission,
    GradesStore,
    NoSubmission,
    NotGraded,
    Tier,
)
from orchestrator.late_ledger import Counted, Terms, graded_from_store, ledger
from orchestrator.late_ledger import Standing as Verdict

TierWord = Literal["official", "practice", "not graded"]


@dataclass(frozen=True)
class Standing:
    """What counts for a learner on an assignment: the official grade the ledger picks (with
    its late result), else the official "no submission" or "too late", else the latest
    practice grade (shown as practice)."""

    grade: GradedSubmission | None
    # The latest official attempt, when it could not be given and no official grade followed.
    not_graded: NotGraded | None = None
    late: LateResult | None = None  # the late policy on an official grade of a deadline
    no_submission: NoSubmission | None = None  # nothing accepted, and a run found nothing
    refused: tuple[GradedSubmission, ...] = ()  # official grades of work later than accepted

    @property
    def tier(self) -> TierWord | None:
        """`official`; `not graded` (attempted, no official grade at all); `practice`; None."""
        if self.official:
            return "official"
        if self.not_graded is not None:
            return "not graded"
        return "practice" if self.grade is not None else None

    @property
    def points_tier(self) -> Tier | None:
        """The tier of the points that count: `official` (a "no submission" 0 included)."""
        if self.official:
            return "official"
        return self.grade.tier if self.grade is not None else None

    @property
    def official(self) -> bool:
        """An official result counts: a grade, or "no submission" / "too late" (a 0)."""
        graded = self.grade is not None and self.grade.tier == "official"
        return graded or self.status in ("no submission", "too late")

    @property
    def status(self) -> Verdict | None:
        """`on time`, `late`, `too late` (every official grade refused), `no submission`, or
        None when no official result counts yet."""
        if self.grade is not None and self.grade.tier == "official":
            return "late" if self.late is not None and self.late.late else "on time"
        if self.refused:
            return "too late"
        return "no submission" if self.no_submission is not None else None

    @property
    def score(self) -> float | None:
        """The points that count: after the late penalty; 0 for no submission or too late."""
        if self.grade is not None:
            return self.late.score if self.late is not None else self.grade.score
        return 0.0 if self.status is not None else None

    @property
    def max_score(self) -> float | None:
        """Full marks, as the grade (or a refused one) says; None when nothing says."""
        shown = self.grade or (self.refused[-1] if self.refused else None)
        return shown.max_score if shown is not None else None

    @property
    def percent(self) -> float | None:
        """The points that count as a percentage (0 for no submission or too late)."""
        score, top = self.score, self.max_score
        if score is None:
            return None
        return 100.0 * score / top if top else 0.0

    @property
    def penalty(self) -> float:
        """Points the late policy took from the grade that counts."""
        return self.late.penalty if self.late is not None else 0.0


def standing(
    history: Sequence[GradedSubmission],
    attempts: Sequence[NotGraded] = (),
    *,
    absent: Sequence[NoSubmission] = (),
    counted: Counted | None = None,
) -> Standing:
    """The grade that counts in `history` (oldest first): the one the ledger `counted` (when
    the assignment has a deadline), else the latest official one, else the latest practice
    one; with the failed official attempt since, and the "no submission" runs found."""
    if counted is not None:
        grade, late = _counted_grade(history, counted), counted.result
        refused = tuple(_official_of(history, g.commit) for g in counted.refused)
    else:
        grade = next((s for s in reversed(history) if s.tier == "official"), None)
        late, refused = None, ()
    official = grade
    missing = absent[-1] if absent and official is None and not refused else None
    if grade is None and not refused and missing is None:
        grade = history[-1] if history else None
    failed = attempts[-1] if attempts else None
    if failed is not None and official is not None and official.graded_at >= failed.attempted_at:
        failed = None
    return Standing(grade, failed, late, missing, refused)


def _counted_grade(
    history: Sequence[GradedSubmission], counted: Counted
) -> GradedSubmission | None:
    return _official_of(history, counted.grade.commit) if counted.grade is not None else None


def _official_of(history: Sequence[GradedSubmission], commit: str) -> GradedSubmission:
    """The latest official grade of `commit` (a regrade replaces the grade before it)."""
    return next(s for s in reversed(history) if s.tier == "official" and s.commit == commit)


def standings(
    store: GradesStore, login: str, slugs: Iterable[str], terms: Sequence[Terms], budget: int
) -> dict[str, Standing]:
    """`login`'s standing on each of `slugs`: official grades judged by the ledger over every
    assignment with a deadline (`terms`, with the course's `budget` of late days)."""
    grades = {t.slug: graded_from_store(store.history(t.slug, login)) for t in terms}
    counted = {c.slug: c for c in ledger(terms, grades, budget)}
    return {
        slug: standing(
            store.history(slug, login),
            store.attempts(slug, login),
            absent=store.no_submission(slug, login),
            counted=counted.get(slug),
        )
        for slug in slugs
    }
