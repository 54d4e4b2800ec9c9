"""`classroom official SLUG`: the official grade of a class, by the course repository's workflow.

It dispatches `official.yml` on the course repository (inputs: the assignment, `--only`
learners, `--reason`, `--regrade`); with `--wait` it finds the run it started, shows each
job as it moves on and, at the end, prints the run's summary (the `summary` artifact of the
record job). GitHub does not say which run a dispatch started: the newest run of this
workflow dispatched by this token's user that was not there before is it.

`--local` runs the same plan, fetch, grade and record here, for a course without Actions
minutes (`orchestrator.official.local`).
"""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from basis.errors import UserError
from orchestrator.course import CourseDir
from orchestrator.gateway import GitHub, RunInfo

WORKFLOW = "official.yml"
SUMMARY_ARTIFACT = "summary"
SUMMARY_FILE = "summary.md"
FIND_RUN_SECONDS = 120.0

Say = Callable[[str], None]


@dataclass(frozen=True)
class Waiting:
    """How to follow a run: give up after `timeout` seconds, look every `poll` seconds."""

    timeout: float = 90 * 60.0
    poll: float = 10.0


def official(
    course: CourseDir,
    gh: GitHub,
    slug: str,
    *,
    only: Sequence[str] = (),
    reason: str = "",
    regrade: bool = False,
    wait: Waiting | None = None,
    say: Say = print,
) -> int:
    """Dispatch the official workflow for `slug`; with `wait`, follow it and print its summary."""
    course.course.assignment(slug)
    if regrade and not reason:
        raise UserError("--regrade needs --reason TEXT: say what changed (it is kept with grades)")
    full = course.course.full_name(course.course.course_repo)
    me = gh.whoami({"repo", "workflow"})
    repo = gh.repo(full)
    if repo is None:
        raise UserError(f"{full} does not exist: run `classroom course push` first")
    before = {run.id for run in gh.workflow_runs(full, WORKFLOW, event="workflow_dispatch")}
    inputs = {
        "assignment": slug,
        "learners": " ".join(only),
        "reason": reason,
        "regrade": "true" if regrade else "false",
    }
    gh.dispatch_workflow(
        full, WORKFLOW, repo.default_branch, inputs, started=lambda: new_run(gh, full, before, me)
    )
    who = f"{len(only)} learner(s)" if only else "the whole roster"
    say(f"dispatched {WORKFLOW} on {full}: {slug}, {who}")
    if wait is None:
        say(f"follow it at {repo.html_url}/actions, or run again with --wait")
        return 0
    run = _find_run(gh, full, before, me, wait)
    say(f"run {run.id}: {run.html_url}")
    ended = follow(gh, full, run.id, wait, say)
    summary = run_summary(gh, full, run.id)
    say(summary or f"(the run left no {SUMMARY_ARTIFACT} artifact: see {ended.html_url})")
    say(f"run {ended.id} ended: {ended.conclusion}")
    return 0 if ended.conclusion == "success" else 1


def new_run(gh: GitHub, full: str, before: set[int], me: str) -> RunInfo | None:
    """The oldest dispatched run of the workflow by `me` that is not in `before`."""
    runs = gh.workflow_runs(full, WORKFLOW, event="workflow_dispatch", actor=me)
    fresh = [run for run in runs if run.id not in before]
    return min(fresh, key=lambda run: run.id) if fresh else None


def _find_run(gh: GitHub, full: str, before: set[int], me: str, wait: Waiting) -> RunInfo:
    deadline = time.monotonic() + FIND_RUN_SECONDS
    while True:
        found = new_run(gh, full, before, me)
        if found is not None:
            return found
        if time.monotonic() > deadline:
            raise UserError(
                f"GitHub shows no run of {WORKFLOW} on {full} {FIND_RUN_SECONDS:.0f} s after the "
                "dispatch; look at the repository's Actions tab"
            )
        time.sleep(min(wait.poll, 2.0))


def follow(gh: GitHub, full: str, run_id: int, wait: Waiting, say: Say) -> RunInfo:
    """Poll run `run_id` until it completes, saying each job's change of state."""
    seen: dict[str, str] = {}
    deadline = time.monotonic() + wait.timeout
    while True:
        run = gh.workflow_run(full, run_id)
        for job in gh.run_jobs(full, run_id):
            state = job.conclusion or job.status
            if seen.get(job.name) != state:
                seen[job.name] = state
                say(f"  {job.name}: {state}")
        if run.status == "completed":
            return run
        if time.monotonic() > deadline:
            raise UserError(
                f"run {run.id} is still {run.status} after {wait.timeout:.0f} s; it goes on "
                f"without you: {run.html_url}"
            )
        time.sleep(wait.poll)


def run_summary(gh: GitHub, full: str, run_id: int) -> str:
    """The record job's summary (its `summary` artifact), or "" when there is none."""
    found = [a for a in gh.run_artifacts(full, run_id) if a.name == SUMMARY_ARTIFACT]
    if not found or found[0].expired:
        return ""
    data = gh.download_artifact(full, found[0].id)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = [n for n in archive.namelist() if n.rsplit("/", 1)[-1] == SUMMARY_FILE]
        return archive.read(names[0]).decode("utf-8") if names else ""
