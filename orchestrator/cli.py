"""The `orchestrator` command group: parse arguments, dispatch to one command module each."""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path

from graders.errors import UserError


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register this group's subcommands on the top-level parser."""
    _add_dashboard(commands)


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
        help="roster and deadlines as a ClassInfo JSON file (default: inferred from the store)",
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
