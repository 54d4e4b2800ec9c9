"""`ClassInfo` from a course folder: `course.toml` for assignments and deadlines, the roster
for learners, each assignment's `assignment.toml` for its maximum score."""

from __future__ import annotations

from datetime import datetime

from basis.errors import UserError
from graders.model.assignment import load_assignment
from orchestrator.course import CourseDir
from orchestrator.dashboard.classinfo import AssignmentInfo, ClassInfo, LearnerInfo
from orchestrator.frontdesk import join_link
from orchestrator.grades_store import GradesStore
from orchestrator.roster import load_roster


def class_info_from_course(course: CourseDir, store: GradesStore) -> ClassInfo:
    """The roster's learners and course.toml's assignments; the store fills in the rest."""
    roster = load_roster(course.roster_path)  # a bad row is roster check's business, not ours
    learners = tuple(LearnerInfo(login=x.login, name=x.name) for x in roster.learners)
    assignments = tuple(_assignment(course, slug, store) for slug in course.course.assignments)
    return ClassInfo(
        course=course.root.resolve().name,
        learners=learners,
        assignments=assignments,
        late_days=course.course.late_days,
    )


def _assignment(course: CourseDir, slug: str, store: GradesStore) -> AssignmentInfo:
    spec = course.course.assignments[slug]
    histories = [h for (a, _), h in store.histories.items() if a == slug]
    firsts: list[datetime] = [h[0].graded_at for h in histories]
    return AssignmentInfo(
        slug=slug,
        title=spec.title or slug,
        opens_at=min(firsts, default=None),
        deadline=spec.deadline,
        extensions=spec.extensions,
        join_url=_join_url(course, slug),
        late=course.course.late_policy(slug),
        counts=course.course.counts_of(slug),
        group=spec.group,
        max_score=full_marks(course, slug)
        or max((h[-1].max_score for h in histories), default=100),
    )


def _join_url(course: CourseDir, slug: str) -> str:
    """The link that opens the front desk's form with `slug` picked, when the desk offers it."""
    desk = course.course.join
    if desk is None or (desk.assignments is not None and slug not in desk.assignments):
        return ""
    return join_link(course.web_url, course.course.full_name(course.course.join_repo), slug)


def full_marks(course: CourseDir, slug: str) -> float | None:
    """The assignment's full marks, if its folder is at hand."""
    try:
        return load_assignment(course.starter(slug).parent).spec.max_score
    except UserError:
        return None
