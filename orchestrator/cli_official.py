"""The official grade's commands: `classroom official` and `classroom official-job …` (the
course repository's workflow runs the latter, one subcommand per job)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from basis.errors import UserError

if TYPE_CHECKING:
    Commands = argparse._SubParsersAction[argparse.ArgumentParser]


def add_official_commands(commands: Commands) -> None:
    """Register `official`, `regrade` and `official-job` on the top-level parser."""
    _add_official(commands)
    _add_regrade(commands)
    jobs = commands.add_parser(
        "official-job",
        help="one job of the course repository's official workflow (run by official.yml)",
        description="The jobs of .github/workflows/official.yml in the course repository.",
    )
    steps = jobs.add_subparsers(dest="job", required=True, metavar="JOB")
    _add_plan(steps)
    _add_fetch(steps)
    _add_grade(steps)
    _add_record(steps)
    _add_lock(steps)


def _add_official(commands: Commands) -> None:
    parser = commands.add_parser(
        "official",
        help="the official grade of an assignment: dispatch the course repository's workflow",
        description="Dispatch official.yml on the course repository for SLUG (the whole "
        "roster, or --only learners); --wait follows the run and prints its summary; --local "
        "runs the same plan, fetch, grade and record here (as root).",
    )
    _add_whom(parser)
    parser.add_argument("--reason", default="", help="why this run (kept with the grades)")
    parser.add_argument(
        "--regrade",
        action="store_true",
        help="grade again those this grader graded for another reason (needs --reason)",
    )
    _add_run_options(parser)
    parser.set_defaults(handler=_run_official)


def _add_whom(parser: argparse.ArgumentParser) -> None:
    """SLUG, --course and --only: which assignment, course and learners a run grades."""
    parser.add_argument("slug", metavar="SLUG", help="the assignment, as named in course.toml")
    parser.add_argument(
        "--course", type=Path, default=Path(), metavar="DIR", help="the course folder"
    )
    parser.add_argument(
        "--only", action="append", default=[], metavar="LOGIN", help="only this learner (repeat)"
    )


def _add_run_options(parser: argparse.ArgumentParser) -> None:
    """--wait, --timeout, --poll and --local: how an official run is followed, or run here."""
    parser.add_argument("--wait", action="store_true", help="follow the run to its end")
    parser.add_argument(
        "--timeout", type=float, default=90.0, metavar="MINUTES", help="with --wait (default 90)"
    )
    parser.add_argument(
        "--poll", type=float, default=10.0, metavar="SECONDS", help=argparse.SUPPRESS
    )
    parser.add_argument(
        "--local", action="store_true", help="plan, fetch, grade and record on this machine"
    )


def _run_official(args: argparse.Namespace) -> int:
    from orchestrator.commands.official import Waiting, official
    from orchestrator.course import load_course
    from orchestrator.official.local import run_locally
    from orchestrator.official.planning import Request
    from orchestrator.session import connected

    course = load_course(args.course)
    if args.local and args.wait:
        raise UserError("--local runs here and ends when it is done: drop --wait")
    with connected(course) as gh:
        if args.local:
            course.course.assignment(args.slug)
            request = Request(args.slug, tuple(args.only), args.reason, args.regrade)
            return run_locally(course, gh, request)
        wait = Waiting(timeout=args.timeout * 60, poll=args.poll) if args.wait else None
        return official(
            course,
            gh,
            args.slug,
            only=args.only,
            reason=args.reason,
            regrade=args.regrade,
            wait=wait,
        )


def _add_regrade(commands: Commands) -> None:
    parser = commands.add_parser(
        "regrade",
        help="grade an assignment officially again (a grader fix, a disputed check)",
        description="The official grade of SLUG given again for --reason, at each learner's "
        "commit whose official grade counts now; the store keeps both grades with the reason. "
        "Dispatches the course repository's workflow; --local runs it here (as root).",
    )
    _add_whom(parser)
    parser.add_argument("--reason", required=True, help="what changed (kept with the grades)")
    _add_run_options(parser)
    parser.set_defaults(handler=_run_regrade)


def _run_regrade(args: argparse.Namespace) -> int:
    from orchestrator.commands.official import Waiting
    from orchestrator.commands.regrade import regrade
    from orchestrator.course import load_course
    from orchestrator.session import connected

    course = load_course(args.course)
    wait = Waiting(timeout=args.timeout * 60, poll=args.poll) if args.wait else None
    with connected(course) as gh:
        return regrade(
            course, gh, args.slug, reason=args.reason, only=args.only, wait=wait, local=args.local
        )


def _add_plan(steps: Commands) -> None:
    plan = steps.add_parser("plan", help="who, which commit, which grader; plan.json")
    plan.add_argument("--course", type=Path, required=True, help="a checkout of the course")
    plan.add_argument("--grader", type=Path, required=True, help="a checkout of the grader")
    plan.add_argument("--out", type=Path, required=True, help="where plan.json goes")
    plan.add_argument("--assignment", default="", help="the dispatched assignment")
    plan.add_argument("--learners", default="", help="logins separated by spaces (empty: all)")
    plan.add_argument("--reason", default="")
    plan.add_argument("--regrade", default="false", choices=("true", "false", ""))
    plan.add_argument("--schedule", default="", help="the cron that fired (a scheduled run)")
    plan.add_argument("--outputs", type=Path, help="the step's $GITHUB_OUTPUT")
    plan.add_argument("--summary", type=Path, help="the step's $GITHUB_STEP_SUMMARY")
    plan.set_defaults(handler=_run_plan)


def _run_plan(args: argparse.Namespace) -> int:
    from orchestrator.commands.official_job import plan_job
    from orchestrator.official.planning import Request

    request = Request(
        assignment=args.assignment.strip(),
        learners=tuple(args.learners.split()),
        reason=args.reason.strip(),
        regrade=args.regrade == "true",
        schedule=args.schedule.strip(),
    )
    return plan_job(
        args.course, args.grader, args.out, request, outputs=args.outputs, summary=args.summary
    )


def _add_fetch(steps: Commands) -> None:
    fetch = steps.add_parser("fetch", help="one part of the plan as plain trees (tar files)")
    fetch.add_argument("--plan", type=Path, required=True, help="plan.json")
    fetch.add_argument("--part", required=True, help="`grader`, or a chunk's number")
    fetch.add_argument("--out", type=Path, required=True)
    fetch.set_defaults(handler=_run_fetch)


def _run_fetch(args: argparse.Namespace) -> int:
    from orchestrator.commands.official_job import fetch_job

    return fetch_job(args.plan, args.part, args.out)


def _add_grade(steps: Commands) -> None:
    grade = steps.add_parser("grade", help="grade one chunk officially (as root)")
    grade.add_argument("--grader", type=Path, required=True, help="the grader's tree")
    grade.add_argument("--fetched", type=Path, required=True, help="the grader part's folder")
    grade.add_argument("--chunk", type=Path, required=True, help="the chunk's folder")
    grade.add_argument("--out", type=Path, required=True, help="where the reports go")
    grade.set_defaults(handler=_run_grade)
    verify = steps.add_parser("verify", help="every report ran fully contained, or exit 1")
    verify.add_argument("--results", type=Path, required=True)
    verify.set_defaults(handler=_run_verify)


def _run_grade(args: argparse.Namespace) -> int:
    from orchestrator.official.grade_chunk import grade_chunk

    return grade_chunk(args.grader, args.fetched, args.chunk, args.out)


def _run_verify(args: argparse.Namespace) -> int:
    from orchestrator.official.grade_chunk import verify

    return verify(args.results)


def _add_record(steps: Commands) -> None:
    record = steps.add_parser("record", help="store, post, summarise, publish the dashboard")
    record.add_argument("--plan", type=Path, required=True, help="plan.json")
    record.add_argument("--results", type=Path, required=True, help="the reports' artifacts")
    record.add_argument("--out", type=Path, required=True, help="where summary.md goes")
    record.add_argument("--summary", type=Path, help="the step's $GITHUB_STEP_SUMMARY")
    record.add_argument(
        "--grader", type=Path, help="the grader's checkout: its catalog's milestones move issues"
    )
    record.set_defaults(handler=_run_record)


def _run_record(args: argparse.Namespace) -> int:
    from orchestrator.commands.official_job import record_job

    return record_job(args.plan, args.results, args.out, summary=args.summary, grader=args.grader)


def _add_lock(steps: Commands) -> None:
    lock = steps.add_parser("lock", help="lock the repositories whose last grading moment it was")
    lock.add_argument("--plan", type=Path, required=True, help="plan.json")
    lock.add_argument("--summary", type=Path, help="the step's $GITHUB_STEP_SUMMARY")
    lock.set_defaults(handler=_run_lock)


def _run_lock(args: argparse.Namespace) -> int:
    from orchestrator.commands.official_job import lock_job

    return lock_job(args.plan, summary=args.summary)
