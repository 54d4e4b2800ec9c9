"""`classroom`: parse the command line and dispatch to one command module."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from basis import errors
from basis.errors import UserError
from basis.interrupts import Interrupted, exit_code_of, stop_signals_raise
from graders import __version__
from graders import cli as graders_cli
from graders.running.logs import write_crash_log


def build_parser() -> argparse.ArgumentParser:
    """The whole command tree; each group adds its own subcommands."""
    parser = argparse.ArgumentParser(
        prog="classroom",
        description="Backend Classroom: grade, provision and run a Python backend course.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    graders_cli.add_commands(commands)
    _add_optional_groups(commands)
    return parser


def _add_optional_groups(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Instructor-side groups need the `instructor` extra; the grader alone must not."""
    try:
        from orchestrator import cli as orchestrator_cli
        from sandbox import cli as sandbox_cli
    except ImportError:  # grader-only install (inside a learner's Actions runner)
        return
    orchestrator_cli.add_commands(commands)
    sandbox_cli.add_commands(commands)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit code: 0 done, 2 bad input, 3 internal error, 128 +
    the signal's number when SIGINT, SIGTERM or SIGHUP stopped it (after it stopped all it had
    started: basis.interrupts)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        with stop_signals_raise():
            code: int = args.handler(args)
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt as exc:
        print(f"interrupted by {_signal_name(exc)}: stopped all it had started", file=sys.stderr)
        return exit_code_of(exc)
    except BrokenPipeError:  # `classroom grade ... | head`: the reader left, nothing is wrong
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return errors.BROKEN_PIPE
    except Exception as exc:
        log = write_crash_log(exc)
        print(
            f"internal error: {exc!r}; traceback written to {log}. "
            "Please report it with that file.",
            file=sys.stderr,
        )
        return errors.INTERNAL_ERROR
    return code


def _signal_name(exc: KeyboardInterrupt) -> str:
    return exc.name if isinstance(exc, Interrupted) else "SIGINT"


if __name__ == "__main__":
    sys.exit(main())
