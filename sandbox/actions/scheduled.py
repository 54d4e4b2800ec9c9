"""Scheduled runs: every cron occurrence of every repository's default-branch workflows."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from sandbox.actions.execute import RunRequest
from sandbox.actions.schedule import Fired, crons_of, occurrences
from sandbox.actions.triggers import Workflow
from sandbox.actions.workflows import load_workflows
from sandbox.context import Sandbox
from sandbox.records import Activity, Repo, WorkflowRun


class Submits(Protocol):
    def submit(self, request: RunRequest) -> WorkflowRun: ...


Found = tuple[datetime, Repo, Workflow, str, str, str]


def _last_pusher(sandbox: Sandbox, repo: Repo) -> str:
    """Who scheduled runs act as: the last to push the default branch (GitHub: the last to
    edit the cron), else the owner."""
    ref = f"refs/heads/{repo.default_branch}"
    pushes = [a for a in sandbox.store.scan(Activity, repo.full_name.lower()) if a.ref == ref]
    return pushes[-1].actor if pushes else repo.owner


def due(sandbox: Sandbox, start: datetime, end: datetime) -> list[Found]:
    """(moment, repo, workflow, text, cron, sha) for each occurrence in (start, end], in order."""
    found: list[Found] = []
    for repo in sandbox.store.scan(Repo):
        bare = sandbox.bare(repo)
        sha = None if repo.archived else bare.resolve(f"refs/heads/{repo.default_branch}")
        if sha is None:
            continue
        for workflow, text in load_workflows(bare, sha):
            for cron in crons_of(workflow.on):
                found += [
                    (at, repo, workflow, text, cron, sha) for at in occurrences(cron, start, end)
                ]
    return sorted(found, key=lambda f: (f[0], f[1].id, f[2].path))


def fire(sandbox: Sandbox, runner: Submits, start: datetime, end: datetime) -> list[Fired]:
    """Queue one `schedule` run per occurrence, on the default branch's head."""
    fired = []
    for at, repo, workflow, text, cron, sha in due(sandbox, start, end):
        branch = repo.default_branch
        run = runner.submit(
            RunRequest(
                repo.full_name,
                workflow,
                text,
                "schedule",
                {"schedule": cron, "workflow": workflow.path},
                sha,
                f"refs/heads/{branch}",
                branch,
                _last_pusher(sandbox, repo),
            )
        )
        fired.append(Fired(repo.full_name, workflow.path, cron, at, run.id))
    return fired
