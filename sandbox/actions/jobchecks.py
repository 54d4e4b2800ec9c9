"""A check run per job, as GitHub Actions makes them (so required checks can name jobs)."""

from __future__ import annotations

from sandbox.actions.joblog import JobLog, job_result
from sandbox.actions.triggers import Workflow
from sandbox.context import Sandbox
from sandbox.records import CheckRun, Issue, WorkflowRun, now

Opened = list[tuple[str, CheckRun]]  # (job id, its check run)


def open_job_checks(sandbox: Sandbox, run: WorkflowRun, workflow: Workflow) -> Opened:
    """An in-progress check run for each job of `run`, on the commit the run tests."""
    sha = run.head_sha
    for number in run.pull_numbers:  # a pull request's checks sit on its head commit
        issue = sandbox.store.find(Issue, run.repo.lower(), str(number))
        sha = issue.pull.head_sha if issue and issue.pull else sha
    return [
        (
            job_id,
            sandbox.store.add(
                CheckRun(
                    repo=run.repo,
                    name=name,
                    head_sha=sha,
                    status="in_progress",
                    external_id=str(run.id),
                    output={"title": run.name},
                )
            ),
        )
        for job_id, name in zip(workflow.job_ids, workflow.jobs, strict=True)
    ]


def _add(check: CheckRun, name: str, conclusion: str) -> CheckRun:
    return CheckRun(
        repo=check.repo,
        name=name,
        head_sha=check.head_sha,
        status="completed",
        conclusion=conclusion,
        completed_at=now(),
        external_id=check.external_id,
        output=check.output,
    )


def close_job_checks(sandbox: Sandbox, checks: Opened, conclusion: str, jobs: list[JobLog]) -> None:
    """Complete each job's check run with the job's result; a reusable workflow's jobs get
    their own ("caller / job") and a matrix job one per instance ("grade (1)"), as on GitHub."""
    for job_id, check in checks:
        instances = [j for j in jobs if j.matrix and j.job_id == job_id and " / " not in j.name]
        if instances:
            sandbox.store.delete(check)
            for job in instances:
                sandbox.store.add(_add(check, job.name, job.conclusion or conclusion))
            continue
        check.status, check.completed_at = "completed", now()
        check.conclusion = job_result(jobs, check.name) or (
            "skipped" if conclusion == "success" else conclusion
        )
        sandbox.store.save(check)
        for job in jobs:
            if job.name.startswith(f"{check.name} / "):
                sandbox.store.add(_add(check, job.name, job.conclusion or conclusion))
