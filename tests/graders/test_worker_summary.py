"""What the stage says of the workers it kept running (graders.running.workers.Supervisor)."""

from __future__ import annotations

from typing import Any

from graders.running.workers import MAX_RESTARTS, Supervisor, Worker


def summary_of(*workers: Worker) -> str:
    supervisor: Any = Supervisor.__new__(Supervisor)  # its processes play no part here
    supervisor.workers = list(workers)
    return str(supervisor.summary())


def worker(exits: list[str]) -> Worker:
    return Worker("python -m app.worker", current=None, exits=exits)  # type: ignore[arg-type]


def test_workers_that_never_stopped_say_nothing() -> None:
    assert summary_of(worker([]), worker([])) == ""


def test_a_worker_that_kept_dying_is_said_to_be_left_dead() -> None:
    said = summary_of(worker(["code 1: ValueError: no queue"] * MAX_RESTARTS))
    assert said == (
        f"the worker `python -m app.worker` stopped {MAX_RESTARTS} times during the stage and "
        f"was not started again after the {MAX_RESTARTS}th (last: code 1: ValueError: no queue)"
    )
