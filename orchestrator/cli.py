"""The `orchestrator` command group: parse arguments, dispatch to one command module each."""

from __future__ import annotations

import argparse
from contextlib import AbstractContextManager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from basis.errors import UserError
from orchestrator.cli_official import add_official_commands

if TYPE_CHECKING:
    from orchestrator.course import CourseDir
    from orchestrator.gateway import GitHub


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register this group's subcommands on the top-level parser."""
    _add_dashboard(commands)
    _add_course_commands(commands)
    _add_repository_commands(commands)
    _add_join(commands)
    _add_report(commands)
    add_official_commands(commands)
    _add_import(commands)
    _add_similarity(commands)


def _add_import(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "import",
        help="turn a GitHub Classroom template repository into an assignment folder",
        description="Read PATH's .github/classroom/autograding.json or its workflow's GitHub "
        "Classroom grader steps and write DIR: assignment.toml (each test with its points, "
        "all or nothing), starter/, hidden_tests/ (stubs for what could not be converted) and "
        "IMPORT.md (what each test became, what is left to do).",
    )
    parser.add_argument("path", type=Path, metavar="PATH", help="the template repository's folder")
    parser.add_argument("--out", type=Path, required=True, metavar="DIR", help="a new folder")
    parser.add_argument("--slug", help="the assignment's slug (default: from PATH's name)")
    parser.set_defaults(handler=_run_import)


def _run_import(args: argparse.Namespace) -> int:
    from orchestrator.commands.import_classroom import import_classroom

    return import_classroom(args.path, args.out, slug=args.slug)


def _add_dashboard(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "dashboard",
        help="build the instructor dashboard (a static site) from the grades store",
        description="Build a static site from COURSE/grades: class overview, a page per "
        "assignment and per learner, and who is at risk. Opens from file:// or GitHub Pages.",
    )
    parser.add_argument(
        "--course",
        type=Path,
        default=Path(),
        metavar="DIR",
        help="the course repository (default: the current folder)",
    )
    parser.add_argument(
        "--out", type=Path, metavar="DIR", help="where to write the site (default: COURSE/site)"
    )
    parser.add_argument(
        "--synthetic",
        metavar="LEARNERS,ASSIGNMENTS",
        help="build from a generated class instead of the store (demos)",
    )
    parser.add_argument("--seed", type=int, default=7, help="seed of --synthetic (default 7)")
    parser.add_argument(
        "--class-info",
        type=Path,
        metavar="JSON",
        help="roster and deadlines as a ClassInfo JSON file (default: COURSE/course.toml and "
        "its roster, else inferred from the store)",
    )
    parser.add_argument(
        "--as-of",
        type=_moment,
        metavar="ISO-TIME",
        help="the moment the site describes (default: now)",
    )
    parser.add_argument(
        "--publish",
        action="store_true",
        help="commit the site to the course repository's gh-pages branch and push it",
    )
    parser.add_argument("--remote", default="origin", help="git remote to publish to")
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="with --publish: build and stage, but commit and push nothing",
    )
    parser.set_defaults(handler=_run_dashboard)


def _moment(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{text}: give a time zone, e.g. {text}+00:00")
    return moment


def _run_dashboard(args: argparse.Namespace) -> int:
    from orchestrator.commands.dashboard import dashboard, parse_synthetic

    if args.dry_run and not args.publish:
        raise UserError("--dry-run only applies to --publish; add --publish or drop --dry-run")
    return dashboard(
        args.course,
        out=args.out,
        synthetic=parse_synthetic(args.synthetic) if args.synthetic else None,
        seed=args.seed,
        class_info=args.class_info,
        as_of=args.as_of,
        publish=args.publish,
        remote=args.remote,
        dry_run=args.dry_run,
    )


# --- the course commands: init, roster check, publish, provision, collect, lock ---------------


def _add_course_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    init = commands.add_parser(
        "init",
        help="scaffold a course repository (course.toml, roster.csv, README)",
        description="Write course.toml, an example roster.csv and a README into DIR.",
    )
    init.add_argument("dir", type=Path, metavar="DIR")
    init.add_argument("--org", required=True, help="the GitHub organization of the course")
    init.add_argument("--api-url", help="GitHub's API URL (a sandbox: http://127.0.0.1:8765)")
    init.set_defaults(handler=_run_init)

    roster = commands.add_parser("roster", help="check the course roster")
    actions = roster.add_subparsers(dest="roster_command", required=True, metavar="ACTION")
    check = actions.add_parser(
        "check",
        help="report every bad roster row with its line number",
        description="Duplicates, malformed usernames, learners in two teams, and (unless "
        "--offline) usernames GitHub does not know.",
    )
    _course_option(check)
    check.add_argument("--offline", action="store_true", help="skip the checks that ask GitHub")
    check.set_defaults(handler=_run_roster_check)

    publish = commands.add_parser(
        "publish",
        help="create or update the org's template repository of an assignment",
        description="Make ORG/<slug>-template hold templates/SLUG/starter; unchanged content "
        "makes no new commit.",
    )
    _slug_options(publish)
    publish.set_defaults(handler=_run_publish)

    provision = commands.add_parser(
        "provision",
        help="create every learner's repository of an assignment (idempotent, resumable)",
        description="Read what exists, plan what is missing, print the plan, apply it.",
    )
    _slug_options(provision)
    provision.add_argument(
        "--only", action="append", default=[], metavar="USER", help="only this learner (repeat)"
    )
    provision.add_argument(
        "--hours",
        type=float,
        metavar="H",
        help="a sitting: write only what GitHub's pacing allows in H hours; run again to go on",
    )
    provision.set_defaults(handler=_run_provision)

    collect = commands.add_parser(
        "collect",
        help="collect the latest grade of every learner into a CSV and the grades store",
    )
    collect.add_argument("slugs", metavar="SLUG", nargs="+", help="one or more assignments")
    _course_option(collect)
    collect.add_argument(
        "--out", type=Path, help="the CSV to write, with one SLUG (default: grades-SLUG.csv)"
    )
    collect.add_argument(
        "--rest",
        action="store_true",
        help="read each repository with a conditional REST request instead of GraphQL batches",
    )
    collect.set_defaults(handler=_run_collect)

    export = commands.add_parser(
        "export",
        help="the grades that count as the school's gradebook imports them (Canvas, Moodle, CSV)",
        description="No GitHub call: reads the roster and the grades store (run collect, and "
        "course pull for the official grades, first).",
    )
    export.add_argument("slugs", metavar="SLUG", nargs="+", help="one or more assignments")
    export.add_argument("--format", dest="fmt", choices=("canvas", "moodle", "csv"), required=True)
    export.add_argument("--out", type=Path, help="the file to write (default: FORMAT-grades.csv)")
    export.add_argument(
        "--match",
        choices=("email", "sis"),
        default="email",
        help="how the gradebook finds learners: email, or the roster's sis_id column",
    )
    _course_option(export)
    export.set_defaults(handler=_run_export)

    deadlines = commands.add_parser(
        "deadlines",
        help="each learner's deadline, late days left, and when official grading runs",
        description="Print every learner's effective deadline (extensions marked) in the "
        "course's time zone and in UTC, the late days of their budget left, and the moments "
        "the official workflow grades at (deadlines, extended deadlines, the end of each late "
        "day) with their cron lines. Offline: reads course.toml, the roster and the store.",
    )
    deadlines.add_argument(
        "slug", nargs="?", metavar="SLUG", help="only this assignment (default: all)"
    )
    _course_option(deadlines)
    deadlines.set_defaults(handler=_run_deadlines)

    lock = commands.add_parser(
        "lock",
        help="at the deadline, drop learners to read access (or archive), honouring extensions",
    )
    _slug_options(lock)
    lock.add_argument("--now", type=_moment, metavar="ISO-TIME", help="act as if it were then")
    lock.set_defaults(handler=_run_lock)


def _course_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--course", type=Path, default=Path(), metavar="DIR", help="the course folder (default: .)"
    )


def _slug_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("slug", metavar="SLUG", help="the assignment, as named in course.toml")
    _course_option(parser)
    _dry_run_option(parser)


def _connected(course: CourseDir, token: str | None = None) -> AbstractContextManager[GitHub]:
    from orchestrator.session import connected

    return connected(course, token)


def _run_init(args: argparse.Namespace) -> int:
    from orchestrator.commands.init import init

    return init(args.dir, org=args.org, api_url=args.api_url)


def _run_roster_check(args: argparse.Namespace) -> int:
    from orchestrator.commands.roster_check import roster_check
    from orchestrator.course import load_course

    course = load_course(args.course)
    if args.offline:
        return roster_check(course, None)
    with _connected(course) as gh:
        return roster_check(course, gh)


def _run_publish(args: argparse.Namespace) -> int:
    from orchestrator.commands.publish import publish
    from orchestrator.course import load_course

    course = load_course(args.course)
    with _connected(course) as gh:
        return publish(course, gh, args.slug, dry_run=args.dry_run)


def _run_provision(args: argparse.Namespace) -> int:
    from orchestrator.commands.provision import provision
    from orchestrator.course import load_course

    course = load_course(args.course)
    with _connected(course) as gh:
        return provision(
            course, gh, args.slug, only=args.only, dry_run=args.dry_run, hours=args.hours
        )


def _run_collect(args: argparse.Namespace) -> int:
    from orchestrator.commands.collect import collect_all
    from orchestrator.course import load_course

    course = load_course(args.course)
    with _connected(course) as gh:
        return collect_all(course, gh, args.slugs, out=args.out, rest=args.rest)


def _run_export(args: argparse.Namespace) -> int:
    from orchestrator.commands.export import export
    from orchestrator.course import load_course

    course = load_course(args.course)
    return export(course, args.slugs, fmt=args.fmt, out=args.out, match=args.match)


def _run_deadlines(args: argparse.Namespace) -> int:
    from orchestrator.commands.deadlines import deadlines
    from orchestrator.course import load_course

    return deadlines(load_course(args.course), args.slug)


def _run_lock(args: argparse.Namespace) -> int:
    from orchestrator.commands.lock import lock
    from orchestrator.course import load_course

    course = load_course(args.course)
    with _connected(course) as gh:
        return lock(course, gh, args.slug, now=args.now, dry_run=args.dry_run)


# --- the two repositories: publish-grader (learners read it), course push (private) ----------


def _add_repository_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
) -> None:
    grader = commands.add_parser(
        "publish-grader",
        help="push the learner-readable grading repository (engine + what learners may see)",
        description="Make course.toml's grading_repo hold the grading engine and, per "
        "assignment, only what learners may read (assignment.toml, the grader's configs, the "
        "starter): never hidden tests, never solutions. Unchanged content makes no commit.",
    )
    _course_option(grader)
    _dry_run_option(grader)
    grader.set_defaults(handler=_run_publish_grader)

    course = commands.add_parser("course", help="the instructor's private course repository")
    actions = course.add_subparsers(dest="course_command", required=True, metavar="ACTION")
    push = actions.add_parser(
        "push",
        help="create or update the private course repository from the course folder",
        description="Push course.toml, the roster, each assignment's hidden tests, the grades "
        "store and the official workflow to course.toml's course_repo (private), and store "
        "this command's token as its secret CLASSROOM_TOKEN. Unchanged content makes no commit.",
    )
    _course_option(push)
    _dry_run_option(push)
    push.add_argument(
        "--rotate-token",
        action="store_true",
        help="store the current token as CLASSROOM_TOKEN again (kept otherwise once set)",
    )
    push.set_defaults(handler=_run_course_push)
    pull = actions.add_parser(
        "pull",
        help="bring the course repository's grades (official ones included) into the folder",
        description="Merge the grades store of course.toml's course_repo (where the official "
        "workflow records official grades) into this folder's grades/, for collect, export "
        "and the dashboard. A file is replaced only by a version that extends it.",
    )
    _course_option(pull)
    pull.set_defaults(handler=_run_course_pull)


def _run_course_pull(args: argparse.Namespace) -> int:
    from orchestrator.commands.course_pull import course_pull
    from orchestrator.course import load_course

    course = load_course(args.course)
    with _connected(course) as gh:
        return course_pull(course, gh)


def _dry_run_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dry-run", action="store_true", help="print what would change, change nothing"
    )


def _run_publish_grader(args: argparse.Namespace) -> int:
    from orchestrator.commands.publish_grader import publish_grader
    from orchestrator.course import load_course

    course = load_course(args.course)
    with _connected(course) as gh:
        return publish_grader(course, gh, dry_run=args.dry_run)


def _run_course_push(args: argparse.Namespace) -> int:
    from orchestrator.commands.course_push import course_push
    from orchestrator.course import load_course

    course = load_course(args.course)
    with _connected(course) as gh:
        return course_push(course, gh, dry_run=args.dry_run, rotate_token=args.rotate_token)


# --- join: the front desk where learners ask for their repositories ------------------------


def _add_join(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    join = commands.add_parser(
        "join", help="the front desk: learners open an issue and get their repository"
    )
    actions = join.add_subparsers(dest="join_command", required=True, metavar="ACTION")
    publish = actions.add_parser(
        "publish",
        help="create or update the public front-desk repository and print the join links",
        description="Push course.toml's join_repo (public): the issue form 'Join an "
        "assignment', its workflow and a README; store this command's token as its secret "
        "CLASSROOM_TOKEN; print, per assignment, the link that opens the form with it picked.",
    )
    _course_option(publish)
    _dry_run_option(publish)
    publish.add_argument(
        "--rotate-token",
        action="store_true",
        help="store the current token as CLASSROOM_TOKEN again (kept otherwise once set)",
    )
    publish.set_defaults(handler=_run_join_publish)
    answer = actions.add_parser(
        "answer",
        help="answer every open join request (the front desk workflow's step)",
        description="Read the desk's open issues, admit or refuse each (roster or section "
        "code, assignment open), provision the admitted with CLASSROOM_TOKEN as `provision "
        "--only` does, answer with the link and close. Desk token: GITHUB_TOKEN.",
    )
    _course_option(answer)
    answer.add_argument("--desk", required=True, metavar="OWNER/NAME", help="the front desk")
    _dry_run_option(answer)
    answer.set_defaults(handler=_run_join_answer)


def _run_join_publish(args: argparse.Namespace) -> int:
    from orchestrator.commands.join_publish import join_publish
    from orchestrator.course import load_course

    course = load_course(args.course)
    with _connected(course) as gh:
        return join_publish(course, gh, dry_run=args.dry_run, rotate_token=args.rotate_token)


def _run_join_answer(args: argparse.Namespace) -> int:
    from orchestrator.commands.join_answer import join_answer
    from orchestrator.course import load_course
    from orchestrator.gateway import token_from

    course = load_course(args.course)
    fix = "the front desk's workflow passes the secret; `classroom join publish` stores it"
    with (
        _connected(course, token_from("CLASSROOM_TOKEN", fix)) as instructor,
        _connected(course) as desk,
    ):
        return join_answer(course, desk, instructor, args.desk, dry_run=args.dry_run)


# --- similarity: submissions too alike, the starter left out ----------------------------------


def _add_similarity(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from orchestrator.similarity.model import DEFAULT_THRESHOLD, MIN_SHARED_TOKENS

    parser = commands.add_parser(
        "similarity",
        help="find submissions too alike to be each learner's own (the starter left out)",
        description="Compare every learner's graded commit of SLUG (the grade that counts) "
        "with every other one and with earlier terms' submissions (--against); the "
        "assignment's starter is boilerplate, tests and lock files are left out. Writes "
        "OUT/report.html (matches side by side) and OUT/pairs.json (the dashboard lists the "
        "flagged pairs for the instructor). Learner code is read as text, never run.",
    )
    parser.add_argument("slug", metavar="SLUG", help="the assignment, as named in course.toml")
    _course_option(parser)
    parser.add_argument(
        "--against",
        type=Path,
        action="append",
        default=[],
        metavar="DIR",
        help="a folder of earlier submissions: one subfolder or `git archive` tar each "
        "(e.g. last term's OUT/submissions); repeat for more",
    )
    parser.add_argument(
        "--out", type=Path, metavar="DIR", help="where to write (default: COURSE/similarity/SLUG)"
    )
    parser.add_argument(
        "--threshold",
        type=float,
        default=DEFAULT_THRESHOLD,
        metavar="N",
        help=f"flag pairs at least N percent similar (default {DEFAULT_THRESHOLD:g})",
    )
    parser.add_argument(
        "--min-shared",
        type=int,
        default=MIN_SHARED_TOKENS,
        metavar="TOKENS",
        help=f"and sharing at least this much code on each side (default {MIN_SHARED_TOKENS})",
    )
    parser.set_defaults(handler=_run_similarity)


def _run_similarity(args: argparse.Namespace) -> int:
    from orchestrator.course import load_course

    try:
        from orchestrator.commands.similarity import similarity
    except ModuleNotFoundError as exc:
        if (exc.name or "").split(".")[0] not in {"copydetect", "numpy", "matplotlib"}:
            raise
        raise UserError(
            f"classroom similarity needs copydetect ({exc.name} is missing): install "
            "`backend-classroom[instructor,similarity]` (`make .venv/.installed` does)"
        ) from exc

    course = load_course(args.course)
    with _connected(course) as gh:
        return similarity(
            course,
            gh,
            args.slug,
            against=args.against,
            out=args.out,
            threshold=args.threshold,
            min_shared=args.min_shared,
        )


# --- report: the grading workflow's report job -----------------------------------------------


def _add_report(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from reporter.cli import DESCRIPTION, add_arguments

    report = commands.add_parser(
        "report",
        help="post a grade (results.json) as the sticky pull-request comment and a check run",
        description=DESCRIPTION + " The same command as `classroom-report`.",
    )
    add_arguments(report)
    report.set_defaults(handler=_run_report)


def _run_report(args: argparse.Namespace) -> int:
    """The reporter's own command, with the token `find_token` finds (`gh auth token` too)."""
    from orchestrator.gateway import find_token
    from reporter.cli import run

    return run(args, token=find_token())
