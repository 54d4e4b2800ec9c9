"""The official runs of a generated class: at each deadline that has passed, the course
repository grades every learner's last commit pushed on time.

Most official grades equal the practice grade of the same commit. A few learners gamed their
public tests (rewrote them, added a conftest that turns failures into passes): the official
grade puts the files back and their tests fail. A few learners' grade jobs were lost, so they
are "not graded" until the next run.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta

from orchestrator.dashboard.classinfo import AssignmentInfo
from orchestrator.grades_store import GradedSubmission, NotGraded, PutBack, StageRecord

Key = tuple[str, str]  # (login, assignment slug)

GRADER_COMMIT = "5e1f0c4a2b9d7e6f8a1b3c5d7e9f0a2b4c6d8e0f"
RUN_AFTER = timedelta(minutes=30)  # the scheduled run starts a little after the deadline
GAMED_SHARE = 0.05
NOT_GRADED_SHARE = 0.02
LOST = (
    "the grade job of its chunk did not finish (the runner was lost)",
    "its repository could not be fetched (the server answered 502)",
)
GAMED_TESTS_LEFT = 1  # of a gamer's public tests, how many pass once the real ones are back


def official_runs(
    rng: random.Random,
    assignments: Sequence[AssignmentInfo],
    histories: Mapping[Key, list[GradedSubmission]],
    as_of: datetime,
    public_tests: Mapping[str, tuple[str, ...]],
) -> tuple[list[GradedSubmission], list[NotGraded]]:
    """The official grades and the "not graded" lines of every deadline before `as_of`
    (`public_tests`: each assignment's public test names, which a gamer's grade fails)."""
    due = {a.slug: a.deadline for a in assignments if a.deadline and a.deadline + RUN_AFTER < as_of}
    eligible = [
        (key, on_time[-1])
        for key, history in histories.items()
        if key[1] in due
        and (on_time := [s for s in history if s.graded_at <= (due[key[1]] or as_of)])
    ]
    lost = _pick(rng, eligible, NOT_GRADED_SHARE, lambda _: True)
    gamed = _pick(rng, [e for e in eligible if e[0] not in lost], GAMED_SHARE, _tests_pass)
    graded, failed = [], []
    for key, sub in eligible:
        at = (due[key[1]] or as_of) + RUN_AFTER + timedelta(seconds=rng.randrange(60, 1500))
        if key in lost:
            failed.append(_not_graded(sub, at, rng.choice(LOST)))
        else:
            tests = public_tests[sub.assignment] if key in gamed else ()
            graded.append(_official(sub, at, gamed_tests=tests))
    return graded, failed


def _pick(
    rng: random.Random,
    eligible: list[tuple[Key, GradedSubmission]],
    share: float,
    fits: Callable[[GradedSubmission], bool],
) -> set[Key]:
    """A share of the eligible keys (at least one when any fits), chosen by `rng`."""
    keys = [key for key, sub in eligible if fits(sub)]
    if not keys:
        return set()
    return set(rng.sample(keys, max(1, round(share * len(keys)))))


def _tests_pass(sub: GradedSubmission) -> bool:
    stage = sub.stage("tests")
    return stage is not None and stage.status == "passed" and stage.score > 0


def _official(
    sub: GradedSubmission, at: datetime, *, gamed_tests: tuple[str, ...]
) -> GradedSubmission:
    """The official grade of `sub`'s commit: the same, unless its public tests were gamed."""
    stages: tuple[StageRecord, ...] = sub.stages
    put_back: tuple[PutBack, ...] = ()
    if gamed_tests:
        stages = tuple(_real_tests(s, gamed_tests) if s.name == "tests" else s for s in stages)
        module = f"tests/test_{sub.assignment.replace('-', '_')}.py"
        put_back = (PutBack(path="conftest.py", change="added"),
                    PutBack(path=module, change="changed"))  # fmt: skip
    return sub.model_copy(
        update={
            "tier": "official",
            "graded_at": at.replace(microsecond=0),
            "stages": stages,
            "score": round(sum(s.score for s in stages), 2),
            "pr_url": "",
            "comment_url": "",
            "grader_commit": GRADER_COMMIT,
            "integrity": put_back,
            "reason": "deadline",
        }
    )


def _real_tests(stage: StageRecord, names: tuple[str, ...]) -> StageRecord:
    """The public tests of a gamer, run as the template wrote them: most fail."""
    failed = names[GAMED_TESTS_LEFT:]
    score = round(stage.max_score * GAMED_TESTS_LEFT / len(names), 2)
    return stage.model_copy(update={"status": "failed", "score": score, "failed_checks": failed})


def _not_graded(sub: GradedSubmission, at: datetime, why: str) -> NotGraded:
    return NotGraded(
        learner=sub.learner,
        assignment=sub.assignment,
        commit=sub.commit,
        attempted_at=at.replace(microsecond=0),
        not_graded=why,
        grader_commit=GRADER_COMMIT,
        reason="deadline",
        repo_url=sub.repo_url,
    )


def merged(
    histories: Mapping[Key, list[GradedSubmission]], official: list[GradedSubmission]
) -> list[GradedSubmission]:
    """Every grade, per learner and assignment in the order given, each history in time order."""
    extra: dict[Key, list[GradedSubmission]] = {}
    for sub in official:
        extra.setdefault((sub.learner, sub.assignment), []).append(sub)
    lines: list[GradedSubmission] = []
    for key, history in histories.items():
        lines.extend(sorted([*history, *extra.get(key, [])], key=lambda s: s.graded_at))
    return lines
