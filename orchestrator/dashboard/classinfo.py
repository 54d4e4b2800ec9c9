"""`ClassInfo`: the course-level facts the dashboard needs (roster, assignments, deadlines).

They will come from `course.toml` and the provisioning state; until then they are either
inferred from the grades store or read from a JSON file of this model.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from basis.errors import UserError
from orchestrator.course import Counts, LatePolicy
from orchestrator.grades_store import GradesStore, Login, Slug, WebUrl
from orchestrator.late_ledger import Terms


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LearnerInfo(_Model):
    """A learner on the roster; `repos` maps an assignment slug to the repo provisioned for it."""

    login: Login
    name: str = ""
    repos: dict[str, WebUrl] = Field(default_factory=dict)


class AssignmentInfo(_Model):
    """An assignment of the course, as the dashboard needs it."""

    slug: Slug
    title: str
    opens_at: AwareDatetime | None = None
    deadline: AwareDatetime | None = None
    max_score: Annotated[float, Field(ge=0)] = 100.0
    pass_percent: Annotated[float, Field(ge=0, le=100)] = 60.0
    extensions: dict[str, AwareDatetime] = Field(default_factory=dict)
    join_url: WebUrl = ""  # the front desk's form with this assignment picked (none: no desk)
    late: LatePolicy | None = None  # course.toml's late policy for it (none: no late work)
    counts: Counts = "latest"  # which official grade counts
    group: bool = False  # a team's repository (spends no one's late-day budget)

    def deadline_for(self, login: str) -> datetime | None:
        """`login`'s deadline: their extension if they have one, else the assignment's."""
        return self.extensions.get(login, self.deadline)

    def terms_for(self, login: str) -> Terms | None:
        """What decides `login`'s grade here (None: no deadline, the latest official counts)."""
        deadline = self.deadline_for(login)
        if deadline is None:
            return None
        return Terms(self.slug, deadline, self.late, self.counts, spends_budget=not self.group)


class ClassInfo(_Model):
    """Roster and assignments of one course."""

    course: str
    learners: tuple[LearnerInfo, ...]
    assignments: tuple[AssignmentInfo, ...]
    late_days: Annotated[int, Field(ge=0)] = 0  # each learner's budget of free late days

    def terms_for(self, login: str) -> list[Terms]:
        """What decides `login`'s grade on every assignment with a deadline."""
        return [t for a in self.assignments if (t := a.terms_for(login)) is not None]

    def assignment(self, slug: str) -> AssignmentInfo:
        """The assignment called `slug` (KeyError if the course has none)."""
        for info in self.assignments:
            if info.slug == slug:
                return info
        raise KeyError(slug)


def load_class_info(path: Path) -> ClassInfo:
    """Read a ClassInfo JSON file, or raise a UserError naming the field to fix."""
    try:
        return ClassInfo.model_validate_json(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise UserError(
            f"{path}: no such file; pass a class-info JSON file or leave "
            "--class-info out to infer the class from the grades store"
        ) from exc
    except ValidationError as exc:
        problem = exc.errors()[0]
        where = ".".join(str(p) for p in problem["loc"]) or "(top level)"
        raise UserError(f"{path}: {where}: {problem['msg']}") from exc


def infer_class_info(store: GradesStore, course: str) -> ClassInfo:
    """The class as the store alone shows it: whoever has a grade, no deadlines."""
    learners = []
    for login in store.learners:
        repos = {
            slug: subs[-1].repo_url
            for slug in store.assignments
            if (subs := store.history(slug, login)) and subs[-1].repo_url
        }
        learners.append(LearnerInfo(login=login, repos=repos))
    assignments = [_inferred_assignment(store, slug) for slug in store.assignments]
    return ClassInfo(course=course, learners=tuple(learners), assignments=tuple(assignments))


def _inferred_assignment(store: GradesStore, slug: str) -> AssignmentInfo:
    maxima = [subs[-1].max_score for (a, _), subs in store.histories.items() if a == slug]
    firsts: list[datetime] = [
        subs[0].graded_at for (a, _), subs in store.histories.items() if a == slug
    ]
    return AssignmentInfo(
        slug=slug,
        title=slug,
        opens_at=min(firsts, default=None),
        max_score=max(maxima, default=100.0),
    )
