"""`classroom-report DIR`: the report job's command (`classroom report` is the same command)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from basis.errors import UserError

DEFAULT_API_URL = "https://api.github.com"
DESCRIPTION = (
    "The report job of the grading workflow: read DIR/results.json, create the "
    "classroom/grade check run on SHA and, for a pull request, create or update its one "
    "feedback comment. Token: GITHUB_TOKEN; API: GITHUB_API_URL."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The command's arguments (also those of `classroom report`)."""
    parser.add_argument("dir", type=Path, metavar="DIR", help="the grade artifact's folder")
    parser.add_argument("--repo", required=True, metavar="OWNER/NAME")
    parser.add_argument("--sha", required=True, help="the graded commit (a pull request's head)")
    parser.add_argument(
        "--pull-request", metavar="N", help="the pull request to comment on (empty: none)"
    )
    parser.add_argument(
        "--assignment",
        type=Path,
        metavar="ASSIGNMENT_DIR",
        help="the assignment's folder: with milestones, its issues follow the grade",
    )
    parser.add_argument("--ref", default="", help="the event's ref (GITHUB_REF)")
    parser.add_argument(
        "--dry-run", action="store_true", help="say what it would post, post nothing"
    )


def run(args: argparse.Namespace, token: str | None = None) -> int:
    """Post the grade the parsed `args` name, with `token` (default GITHUB_TOKEN) against
    GITHUB_API_URL."""
    from reporter.gateway import GitHub  # imported here: `classroom`'s other commands start
    from reporter.post import Target, parse_pull_request, report  # without PyGithub

    target = Target(args.repo, args.sha, parse_pull_request(args.pull_request), args.ref)
    api_url = os.environ.get("GITHUB_API_URL") or DEFAULT_API_URL
    gh = GitHub(api_url, token or token_from_env())
    return report(args.dir, target, gh, dry_run=args.dry_run, assignment=args.assignment)


def token_from_env() -> str:
    """GITHUB_TOKEN, which the step maps from the job's token."""
    token = os.environ.get("GITHUB_TOKEN", "").strip()
    if not token:
        raise UserError("GITHUB_TOKEN is not set: map the job's token into the step's env")
    return token


def main(argv: Sequence[str] | None = None) -> int:
    """Run the report; 0 posted, 1 no grade to post, 2 bad input or GitHub refused."""
    parser = argparse.ArgumentParser(prog="classroom-report", description=DESCRIPTION)
    add_arguments(parser)
    args = parser.parse_args(argv)
    try:
        return run(args)
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code


if __name__ == "__main__":
    sys.exit(main())
