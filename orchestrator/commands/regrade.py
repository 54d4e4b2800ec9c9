"""`classroom regrade SLUG --reason TEXT`: the official grade given again, after a grader fix or
a disputed check, to each learner's commit whose official grade counts now.

A regrade is an official run with `regrade` set (`tiers.plan_official`): it grades each chosen
learner once more for this reason, even with the same grader, at the commit of the official
grade that counts for them now (`orchestrator.standing`: with `counts = "best"`, the best one),
judged against the deadline that grade was judged against; a learner without an official
grade is graded as a dispatch would. The store keeps every grade with its reason; the
dashboard shows each change ("regraded: hidden check fixed, 72 → 81"), and the learner's
comment is updated. Through the course repository's workflow, or `--local`.
"""

from __future__ import annotations

from collections.abc import Sequence

from basis.errors import UserError
from orchestrator.commands.official import Waiting, official
from orchestrator.course import CourseDir
from orchestrator.gateway import GitHub
from orchestrator.official.local import run_locally
from orchestrator.official.planning import Request


def regrade(
    course: CourseDir,
    gh: GitHub,
    slug: str,
    *,
    reason: str,
    only: Sequence[str] = (),
    wait: Waiting | None = None,
    local: bool = False,
) -> int:
    """Grade `slug` again for `reason` (every learner, or `only` these)."""
    course.course.assignment(slug)
    if not reason.strip():
        raise UserError(
            'a regrade needs its reason, kept with every grade: --reason "hidden check fixed"'
        )
    if local:
        if wait is not None:
            raise UserError("--local runs here and ends when it is done: drop --wait")
        return run_locally(course, gh, Request(slug, tuple(only), reason.strip(), regrade=True))
    return official(course, gh, slug, only=only, reason=reason.strip(), regrade=True, wait=wait)
