"""A check run per job, as GitHub Actions makes them (so required checks can name jobs)."""

from __future__ import annotations

from sandbox.actions.joblog import job_result, parse_jobs
from sandbox.context import Sandbox
from sandbox.records import CheckRun, Issue, WorkflowRun, now


def open_job_checks(sandbox: Sandbox, run: WorkflowRun, jobs: list[str]) -> list[CheckRun]:
    """An in-progress check run for each job of `run`, on the commit the run tests."""
    sha = run.head_sha
    for number in run.pull_numbers:  # a pull request's checks sit on its head commit
        issue = sandbox.store.find(Issue, run.repo.lower(), str(number))
        sha = issue.pull.head_sha if issue and issue.pull else sha
    return [
        sandbox.store.add(
            CheckRun(
                repo=run.repo,
                name=job,
                head_sha=sha,
                status="in_progress",
                external_id=str(run.id),
                output={"title": run.name},
            )
        )
        for job in jobs
    ]


def close_job_checks(sandbox: Sandbox, checks: list[CheckRun], conclusion: str, log: str) -> None:
    """Complete each job's check run with the job's result from act's log; a reusable
    workflow's jobs get their own ("caller / job"), as on GitHub."""
    jobs = parse_jobs(log)
    for check in checks:
        check.status, check.completed_at = "completed", now()
        check.conclusion = job_result(jobs, check.name) or (
            "skipped" if conclusion == "success" else conclusion
        )
        sandbox.store.save(check)
        for job in jobs:
            if job.name.startswith(f"{check.name} / "):
                sandbox.store.add(
                    CheckRun(
                        repo=check.repo,
                        name=job.name,
                        head_sha=check.head_sha,
                        status="completed",
                        conclusion=job.conclusion or conclusion,
                        completed_at=now(),
                        external_id=check.external_id,
                        output=check.output,
                    )
                )
