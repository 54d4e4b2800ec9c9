"""The grader's command group: `classroom grade`."""

from __future__ import annotations

import argparse
from pathlib import Path

from graders.stages import registry


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `grade` on the top-level parser."""
    grade = commands.add_parser(
        "grade",
        help="grade a submission folder against an assignment",
        description="Grade SUBMISSION_DIR: tests, hidden tests, lint, types and load. "
        "Writes results.json and feedback.md into --out. Exit 0 whatever the score, "
        "2 for bad input, 3 for a grader bug.",
    )
    grade.add_argument("submission", type=Path, metavar="SUBMISSION_DIR")
    grade.add_argument("--assignment", type=Path, required=True, metavar="ASSIGNMENT_DIR")
    grade.add_argument(
        "--hidden-tests",
        type=Path,
        metavar="DIR",
        help="the assignment's hidden_tests folder (the test_quality stage reads solution/ "
        "and bugs/ beside it)",
    )
    grade.add_argument("--out", type=Path, default=Path("grade-out"), metavar="DIR")
    grade.add_argument(
        "--skip",
        action="append",
        default=[],
        choices=_skippable(),
        metavar="STAGE",
        help="skip a stage (repeatable): " + ", ".join(_skippable()),
    )
    grade.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    grade.add_argument(
        "--previous",
        type=Path,
        metavar="RESULTS_JSON",
        help="results.json of the previous graded commit, to show what changed",
    )
    grade.add_argument("--commit", help="commit being graded (default: read from git)")
    grade.add_argument(
        "--official",
        action="store_true",
        help="the official grade: put the template's protected files back first, report what "
        "the submission changed of them, and require --hidden-tests (when the assignment has a "
        "hidden stage) and full containment "
        "(run as root: sudo)",
    )
    grade.add_argument(
        "--grader-commit",
        metavar="SHA",
        help="the grader's own commit, recorded in the report (default: read from git when "
        "the grader runs from a checkout)",
    )
    grade.set_defaults(handler=_run_grade)


def _run_grade(args: argparse.Namespace) -> int:
    from graders.commands.grade import grade

    return grade(
        submission=args.submission,
        assignment_dir=args.assignment,
        hidden_tests=args.hidden_tests,
        out=args.out,
        skip=frozenset(args.skip),
        output_format=args.format,
        previous=args.previous,
        commit=args.commit,
        official=args.official,
        grader_commit=args.grader_commit,
    )


def _skippable() -> list[str]:
    """The stages `--skip` takes: every one the engine runs after install."""
    return [stage.name for stage in registry.stages() if stage.run is not None]
