"""The report job's wait for the grade job (`reporter.wait`): which jobs it waits for, and
that it ends when they end, or at its limit, and never before."""

from __future__ import annotations

import pytest

from reporter.records import JobInfo
from reporter.wait import GRADE_JOB, Waited, awaited, describe, wait_for


class Clock:
    """A clock that moves only when the wait sleeps."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def running(name: str = f"classroom / {GRADE_JOB}") -> JobInfo:
    return JobInfo(name, "in_progress", None)


def ended(name: str = f"classroom / {GRADE_JOB}", conclusion: str = "success") -> JobInfo:
    return JobInfo(name, "completed", conclusion)


def test_it_waits_for_the_grade_job_by_its_name_or_inside_a_reusable_workflow() -> None:
    jobs = [
        ended(GRADE_JOB),
        running(f"grade / {GRADE_JOB}"),
        running("Report the grade"),
        running(f"{GRADE_JOB} again"),
        running(f"Not {GRADE_JOB}"),
    ]
    assert [j.name for j in awaited(jobs, GRADE_JOB)] == [GRADE_JOB, f"grade / {GRADE_JOB}"]


def test_the_wait_lasts_until_the_grade_job_ends() -> None:
    clock = Clock()
    answers = iter([[], [running()], [running(), running("Report the grade")], [ended()]])
    waited = wait_for(lambda: next(answers), GRADE_JOB, every=3, clock=clock, sleep=clock.sleep)
    assert waited.ended
    assert waited.jobs == (ended(),)
    assert waited.seconds == 9  # three reads that saw it absent or running, 3 s apart
    assert describe(waited, GRADE_JOB) == (
        f"classroom / {GRADE_JOB}: success (ended after 9 s of waiting)"
    )


@pytest.mark.parametrize("conclusion", ["failure", "cancelled", "timed_out"])
def test_a_grade_job_that_failed_ends_the_wait_too(conclusion: str) -> None:
    """However it ended, the report comes next: it says there is no grade when there is none."""
    clock = Clock()
    waited = wait_for(
        lambda: [ended(conclusion=conclusion)], GRADE_JOB, clock=clock, sleep=clock.sleep
    )
    assert waited.ended and waited.seconds == 0
    assert conclusion in describe(waited, GRADE_JOB)


def test_every_grade_job_of_the_run_must_end() -> None:
    """A run that calls the grading workflow twice has two grade jobs: the report waits for
    both (it cannot tell which one is its own)."""
    clock = Clock()
    both = [ended(), ended(f"other / {GRADE_JOB}")]
    answers = iter([[ended(), running(f"other / {GRADE_JOB}")]] * 2 + [both])
    waited = wait_for(lambda: next(answers), GRADE_JOB, every=1, clock=clock, sleep=clock.sleep)
    assert waited.ended and len(waited.jobs) == 2 and waited.seconds == 2


def test_the_wait_gives_up_at_its_limit_saying_so() -> None:
    clock = Clock()
    reads: list[float] = []

    def read() -> list[JobInfo]:
        reads.append(clock())
        return [running()]

    waited = wait_for(read, GRADE_JOB, limit=10, every=3, clock=clock, sleep=clock.sleep)
    assert not waited.ended
    assert reads == [0, 3, 6, 9, 12]
    assert describe(waited, GRADE_JOB).endswith("in_progress (had not ended after 12 s of waiting)")


def test_a_grade_job_that_never_appears_is_named_when_the_wait_gives_up() -> None:
    clock = Clock()
    waited = wait_for(lambda: [], GRADE_JOB, limit=5, every=3, clock=clock, sleep=clock.sleep)
    assert waited == Waited((), 6)
    assert describe(waited, GRADE_JOB) == (
        f"no job called {GRADE_JOB!r} appeared in this run within 6 s"
    )
