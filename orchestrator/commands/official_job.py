"""`classroom official-job plan|fetch|record|lock`: the official workflow's jobs that talk to
GitHub.

Each reads its inputs from the files and the environment Actions gives it and writes what the
next job needs (see orchestrator/templates/course/workflows/official.yml). The token for
GitHub is `GITHUB_TOKEN` (the workflow maps the secret CLASSROOM_TOKEN to it); the record
job pushes to the course repository with `COURSE_TOKEN` (the job's own token). The grade job's
commands (`grade`, `verify`) live in `orchestrator.official.grade_chunk`: they must run with the
grader alone installed.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from basis.errors import UserError
from graders.running.gitinfo import head_commit
from orchestrator.commands.lock import Decision, format_decisions, lock_seats
from orchestrator.course import DEFAULT_API_URL, load_course
from orchestrator.gateway import GatewayError, GitHub, JobInfo, find_token
from orchestrator.official.chunking import job_outputs
from orchestrator.official.fetch import fetch_chunk, fetch_grader
from orchestrator.official.model import GRADER_PART, PLAN_FILE, RunPlan, read_model, write_model
from orchestrator.official.planning import (
    Origin,
    Request,
    format_plan,
    grading_repo_of,
    plan_for,
)
from orchestrator.official.publishing import milestones_in, no_milestones, record_in_repository
from orchestrator.official.record import collect, format_run
from orchestrator.plan import Seat
from orchestrator.session import say_wait


def api_gateway(token: str | None = None) -> GitHub:
    """A gateway on GITHUB_API_URL (as Actions sets it) with `token` (default GITHUB_TOKEN);
    a long wait for GitHub's limits is said in the job's log."""
    api_url = os.environ.get("GITHUB_API_URL") or DEFAULT_API_URL
    return GitHub(api_url, token or find_token(), announce=say_wait)


def plan_job(
    course_dir: Path,
    grader_dir: Path,
    out: Path,
    request: Request,
    *,
    outputs: Path | None = None,
    summary: Path | None = None,
) -> int:
    """Plan the run from a checkout of the course and of the grader; write plan.json."""
    course = load_course(course_dir)
    origin = Origin(
        course_repo=course.course.full_name(course.course.course_repo),
        course_commit=_commit(course_dir, "the course checkout"),
        grading_repo=grading_repo_of(course),
        grader_commit=_commit(grader_dir, "the grader checkout"),
        event="schedule" if request.schedule else "workflow_dispatch",
    )
    plan = plan_for(api_gateway(), course, origin, request)
    write_model(plan, out / PLAN_FILE)
    text = format_plan(plan)
    print(text)
    _append(summary, f"## Plan\n\n{text}\n")
    lines = {
        "grader-commit": plan.grader_commit,
        **job_outputs(plan.chunks),
        "locks": str(len(plan.locks)),
    }
    _append(outputs, "".join(f"{key}={value}\n" for key, value in lines.items()))
    return 0


def _commit(folder: Path, what: str) -> str:
    sha = head_commit(folder.resolve())
    if sha is None:
        raise UserError(f"{folder}: not a git checkout; pass {what}")
    return sha


def _append(path: Path | None, text: str) -> None:
    if path is not None:
        with path.open("a", encoding="utf-8") as out:
            out.write(text)


def fetch_job(plan_file: Path, part: str, out: Path) -> int:
    """Fetch one part of the plan: `grader`, or a chunk's number."""
    plan = read_model(RunPlan, plan_file)
    gh = api_gateway()
    auth = gh.git_auth_env()
    if part == GRADER_PART:
        urls = [_clone_url(gh, plan.grading_repo), _clone_url(gh, plan.course_repo)]
        written = fetch_grader(plan, out, auth, grading_url=urls[0], course_url=urls[1])
        print(f"grader {plan.grader_commit[:12]}, hidden tests of {len(written) - 1} assignment(s)")
        return 0
    if not part.isdigit():
        raise UserError(f"--part {part}: give `{GRADER_PART}` or a chunk's number")
    chunk = fetch_chunk(plan, int(part), out, auth)
    for item in chunk.fetched:
        state = f"not fetched: {item.cause}" if item.cause else "fetched"
        print(f"{item.entry.key} at {item.entry.commit[:12]}: {state}")
    return 0


def _clone_url(gh: GitHub, full_name: str) -> str:
    repo = gh.repo(full_name)
    if repo is None:
        raise UserError(f"{full_name}: the token cannot read it (or it does not exist)")
    return repo.clone_url


def record_job(
    plan_file: Path,
    results: Path,
    out: Path,
    *,
    summary: Path | None = None,
    grader: Path | None = None,
) -> int:
    """Record what came back, post the grades (and move the milestone issues, with the
    `grader` checkout's catalog), write the summary, publish the dashboard."""
    plan = read_model(RunPlan, plan_file)
    gh = api_gateway()
    course_token = os.environ.get("COURSE_TOKEN", "").strip()
    if not course_token:
        raise UserError("COURSE_TOKEN is not set: the record job pushes grades with it")
    collected = collect(plan, results, _jobs(gh, plan))
    run = os.environ.get("GITHUB_RUN_ID", "")
    message = f"Official grades: {', '.join(plan.assignments) or 'none due'} (run {run})"
    now = datetime.now(UTC)
    milestones = (
        no_milestones if grader is None else milestones_in(lambda slug: grader / "templates" / slug)
    )
    course_gh = api_gateway(course_token)
    done = record_in_repository(gh, course_gh, plan, collected, now, message, milestones)
    text = format_run(plan, done)
    print(text)
    out.mkdir(parents=True, exist_ok=True)
    (out / "summary.md").write_text(text, encoding="utf-8")
    _append(summary, text)
    return 0


def _jobs(gh: GitHub, plan: RunPlan) -> list[JobInfo]:
    """This run's jobs, to say why a chunk's results are missing (none when unreadable)."""
    run = os.environ.get("GITHUB_RUN_ID", "")
    if not run.isdigit():
        return []
    try:
        return gh.run_jobs(plan.course_repo, int(run))
    except GatewayError:
        return []


def lock_job(plan_file: Path, *, summary: Path | None = None) -> int:
    """Lock the repositories whose last grading moment the run was (`[official] lock`)."""
    plan = read_model(RunPlan, plan_file)
    done = lock_planned(api_gateway(), plan)
    text = format_decisions(done) or "nothing to lock: no seat's last grading moment was this run"
    print(text)
    _append(summary, f"## Locked\n\n{text}\n")
    return 1 if any(d.action.startswith("failed") for d in done) else 0


def lock_planned(gh: GitHub, plan: RunPlan) -> list[Decision]:
    """Lock `plan`'s seats (each learner to read access, or the repository archived)."""
    if not plan.locks:
        return []
    org = plan.locks[0].repo.split("/", 1)[0]
    wanted = [(Seat(x.seat, x.repo, x.members), x.due) for x in plan.locks]
    return lock_seats(gh, org, wanted, plan.lock_mode)
