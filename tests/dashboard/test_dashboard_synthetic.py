"""The generated class: reproducible, and each trajectory looks like what it is named."""

from __future__ import annotations

import hashlib
import os
import signal
import statistics
import subprocess
import sys
from pathlib import Path

import pytest

from orchestrator.dashboard import build
from orchestrator.dashboard.build import build_site
from orchestrator.dashboard.risk import find_at_risk
from orchestrator.dashboard.stats import summarise
from orchestrator.dashboard.synthetic import SyntheticClass, synthetic_class
from orchestrator.dashboard.synthetic_official import GRADER_COMMIT
from orchestrator.grades_store import format_line, store_from_submissions


@pytest.fixture(scope="module")
def generated() -> SyntheticClass:
    return synthetic_class(300, 4, seed=11)


def _latest_percents(generated: SyntheticClass, kind: str) -> list[float]:
    latest: dict[tuple[str, str], float] = {}
    for sub in generated.submissions:  # in grading order per learner and assignment
        if generated.trajectories[sub.learner] == kind and sub.tier == "practice":
            latest[(sub.learner, sub.assignment)] = sub.percent
    return list(latest.values())


def test_the_same_seed_gives_the_same_class() -> None:
    assert synthetic_class(40, 3, seed=5) == synthetic_class(40, 3, seed=5)
    assert synthetic_class(40, 3, seed=5) != synthetic_class(40, 3, seed=6)


def test_the_class_has_every_trajectory(generated: SyntheticClass) -> None:
    kinds = set(generated.trajectories.values())

    assert kinds == {"strong", "steady", "stuck", "dropping", "late", "quitting", "never"}
    assert len(generated.info.learners) == 300
    assert [a.slug for a in generated.info.assignments] == [
        "tasks-api", "booking-api", "auth-service", "rate-limiter"]  # fmt: skip


def test_strong_learners_end_higher_than_stuck_and_dropping_ones(
    generated: SyntheticClass,
) -> None:
    strong = statistics.median(_latest_percents(generated, "strong"))

    assert strong > statistics.median(_latest_percents(generated, "stuck"))
    assert strong > statistics.median(_latest_percents(generated, "dropping"))


def test_learners_who_never_started_have_no_grade(generated: SyntheticClass) -> None:
    never = {login for login, kind in generated.trajectories.items() if kind == "never"}

    assert never
    assert not [s for s in generated.submissions if s.learner in never]


def test_no_push_is_graded_after_the_moment_the_class_is_seen(generated: SyntheticClass) -> None:
    assert max(s.graded_at for s in generated.submissions) <= generated.as_of


def test_the_hard_checks_show_up_as_what_the_class_misses(generated: SyntheticClass) -> None:
    summary = summarise(generated.info, store_from_submissions(generated.lines))
    tasks = summary.assignments[0]

    top = {c.name for c in tasks.check_failures[:3]}
    assert top & {"GET /tasks p95 <= 200 ms", "test_other_users_tasks_are_forbidden"}
    assert 0 < tasks.passing < len(tasks.started)


def test_some_but_not_most_learners_are_at_risk(generated: SyntheticClass) -> None:
    summary = summarise(generated.info, store_from_submissions(generated.lines))
    rows = find_at_risk(summary, generated.as_of)

    assert 0.1 * 300 < len(rows) < 0.6 * 300
    assert {r.kind for row in rows for r in row.reasons} == {
        "idle", "dropping", "stuck", "deadline", "missed"}  # fmt: skip


def test_a_build_split_over_two_processes_writes_the_same_site(tmp_path: Path) -> None:
    generated = synthetic_class(60, 2, seed=2)
    store = store_from_submissions(generated.lines)
    one = build_site(generated.info, store, tmp_path / "one", as_of=generated.as_of, jobs=1)
    two = build_site(generated.info, store, tmp_path / "two", as_of=generated.as_of, jobs=2)

    files = sorted(p.relative_to(one.out) for p in one.out.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(two.out) for p in two.out.rglob("*") if p.is_file())
    assert all((one.out / f).read_bytes() == (two.out / f).read_bytes() for f in files)
    assert (one.pages, one.bytes) == (two.pages, two.bytes) == (len(files) - 2, one.bytes)


class PartFailed(Exception):
    pass


# A hang guard, not a figure: before the fix a build could wait for ever on its pool.
@pytest.mark.timeout(120)
def test_a_split_builds_workers_die_of_sigterm_whatever_handler_they_were_forked_with(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A command's stop handler (basis.interrupts) that has seen one SIGTERM ignores the next,
    and a pool's workers are forked with it. Pool.terminate (a part failed, a timeout) takes
    the queue's lock for good and SIGTERMs the workers: one that survives it waits for that
    lock for ever (a make test run hung 600 s so). Each worker must stop on SIGTERM; the
    failure must reach the caller."""
    generated = synthetic_class(20, 2, seed=3)
    store = store_from_submissions(generated.lines)

    def reports_its_handler(_build: object, _part: int, _parts: int) -> object:
        raise PartFailed(repr(signal.getsignal(signal.SIGTERM)))

    monkeypatch.setattr(build, "_write_part_of", reports_its_handler)
    previous = signal.signal(signal.SIGTERM, lambda _signum, _frame: None)
    try:
        with pytest.raises(PartFailed) as failed:
            build_site(generated.info, store, tmp_path / "site", as_of=generated.as_of, jobs=2)
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert str(failed.value) == repr(signal.SIG_DFL)


@pytest.mark.heavy  # builds the class again in a Python process of its own
def test_the_same_seed_gives_the_same_class_in_another_process() -> None:
    script = (
        "import hashlib; from orchestrator.dashboard.synthetic import synthetic_class;"
        "from orchestrator.grades_store import format_line;"
        "c = synthetic_class(30, 3, seed=4);"
        "print(hashlib.sha256(''.join(map(format_line, c.lines)).encode()).hexdigest())"
    )
    digests = {
        subprocess.run(
            [sys.executable, "-c", script],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        ).stdout.strip()
        for seed in ("1", "2")
    }
    here = synthetic_class(30, 3, seed=4).lines
    assert digests == {hashlib.sha256("".join(map(format_line, here)).encode()).hexdigest()}


def test_deadlines_that_passed_have_official_grades_and_open_ones_only_practice(
    generated: SyntheticClass,
) -> None:
    official = {s.assignment for s in generated.submissions if s.tier == "official"}

    assert official == {"tasks-api", "booking-api"}  # due on days 14 and 21 of 28
    for sub in generated.submissions:
        if sub.tier == "official":
            deadline = generated.info.assignment(sub.assignment).deadline
            assert deadline is not None and sub.graded_at > deadline
            assert (sub.reason, sub.grader_commit) == ("deadline", GRADER_COMMIT)


def test_an_honest_official_grade_equals_the_practice_grade_of_its_commit(
    generated: SyntheticClass,
) -> None:
    practice = {(s.learner, s.commit): s for s in generated.submissions if s.tier == "practice"}
    official = [s for s in generated.submissions if s.tier == "official"]

    honest = [s for s in official if not s.integrity]
    assert honest and all(s.score == practice[(s.learner, s.commit)].score for s in honest)


def test_the_demo_class_has_gamed_learners_and_a_grade_not_given(
    generated: SyntheticClass,
) -> None:
    summary = summarise(generated.info, store_from_submissions(generated.lines))

    gaps = [p for a in summary.assignments for p in a.gaps]
    assert gaps and all(p.gap and p.gap.official.integrity for p in gaps)
    assert generated.not_graded
    assert sum(a.tiers["not graded"] for a in summary.assignments) == len(generated.not_graded)
