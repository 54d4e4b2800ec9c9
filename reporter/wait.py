"""`classroom-report-wait`: the report job's wait for the grade job of its own run.

The report job starts beside the grade job (no `needs:`), so its runner starts and installs
the reporter while the grading runs; this command then polls the run's jobs until every job
called JOB (or "CALLER / JOB", as GitHub names a reusable workflow's job) has ended. It reads
job states only, never the grade: the numbers still come from the artifact, which the grade
job uploads before it ends. A job not listed yet counts as not ended (GitHub lists a queued
job; the sandbox lists a job once act has started it).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from basis.errors import UserError
from reporter.cli import DEFAULT_API_URL, token_from_env
from reporter.gateway import GatewayError, GitHub
from reporter.records import JobInfo

GRADE_JOB = "Grade the submission"  # grade.yml's grade job
WAIT_LIMIT = 25 * 60  # seconds: the grade job's own limit (20 minutes) and its start
POLL_EVERY = 3.0  # seconds between two reads of the run's jobs


@dataclass(frozen=True)
class Waited:
    """How the wait ended: the awaited jobs as last read, after `seconds`."""

    jobs: tuple[JobInfo, ...]
    seconds: float

    @property
    def ended(self) -> bool:
        return bool(self.jobs) and all(job.status == "completed" for job in self.jobs)


def awaited(jobs: Sequence[JobInfo], name: str) -> tuple[JobInfo, ...]:
    """The jobs called `name`, directly or inside a reusable workflow ("caller / name")."""
    return tuple(job for job in jobs if job.name == name or job.name.endswith(f" / {name}"))


def wait_for(
    read: Callable[[], Sequence[JobInfo]],
    name: str,
    *,
    limit: float = WAIT_LIMIT,
    every: float = POLL_EVERY,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> Waited:
    """Read the jobs until every one called `name` has ended, or `limit` seconds went by."""
    started = clock()
    while True:
        waited = Waited(awaited(read(), name), clock() - started)
        if waited.ended or waited.seconds >= limit:
            return waited
        sleep(every)


def describe(waited: Waited, name: str) -> str:
    """One line for the job's log: how the awaited jobs ended, or that they did not."""
    if not waited.jobs:
        return f"no job called {name!r} appeared in this run within {waited.seconds:.0f} s"
    states = ", ".join(f"{job.name}: {job.conclusion or job.status}" for job in waited.jobs)
    verb = "ended" if waited.ended else "had not ended"
    return f"{states} ({verb} after {waited.seconds:.0f} s of waiting)"


def main(argv: Sequence[str] | None = None) -> int:
    """0 when the awaited jobs ended (however they ended: the report says what came of it),
    1 when they did not within the limit, 2 on bad input or when GitHub refused."""
    parser = argparse.ArgumentParser(prog="classroom-report-wait", description=__doc__)
    parser.add_argument("--repo", required=True, metavar="OWNER/NAME")
    parser.add_argument("--run-id", type=int, required=True, help="this run (GITHUB_RUN_ID)")
    parser.add_argument("--job", default=GRADE_JOB, help=f"the job to wait for ({GRADE_JOB!r})")
    parser.add_argument("--limit", type=float, default=WAIT_LIMIT, help="seconds, at most")
    args = parser.parse_args(argv)
    try:
        gh = GitHub(os.environ.get("GITHUB_API_URL") or DEFAULT_API_URL, token_from_env())
        waited = wait_for(lambda: gh.run_jobs(args.repo, args.run_id), args.job, limit=args.limit)
    except GatewayError as exc:
        print(f"error: {exc} (reading the run's jobs needs `actions: read`)", file=sys.stderr)
        return exc.exit_code
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    print(describe(waited, args.job))
    return 0 if waited.ended else 1


if __name__ == "__main__":
    sys.exit(main())
