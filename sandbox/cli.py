"""The `sandbox` command group: `classroom sandbox serve` and `classroom sandbox seed`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from basis.errors import UserError

DEFAULT_DATA = Path(".classroom-sandbox")


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `sandbox serve` and `sandbox seed` on the top-level parser."""
    group = commands.add_parser(
        "sandbox",
        help="a local GitHub for dry runs, demos and tests",
        description="A local stand-in for GitHub: REST API, git over HTTP, workflow runs.",
    )
    sub = group.add_subparsers(dest="sandbox_command", required=True, metavar="COMMAND")
    serve = sub.add_parser("serve", help="serve the sandbox on loopback until Ctrl-C")
    _common(serve)
    serve.add_argument("--no-actions", action="store_true", help="do not run workflows")
    serve.add_argument(
        "--no-schedule",
        action="store_true",
        help="fire `on: schedule` crons only when POST /_sandbox/clock moves the clock",
    )
    serve.add_argument("--workers", type=int, default=2, help="parallel workflow runs")
    serve.add_argument(
        "--run-timeout",
        type=float,
        default=600,
        metavar="SECONDS",
        help="stop a workflow run after this long (default 600)",
    )
    serve.add_argument(
        "--runner-env",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="extra environment for workflow steps (repeatable), e.g. PIP_FIND_LINKS=/wheels",
    )
    serve.add_argument(
        "--no-etags",
        action="store_true",
        help="send no ETag and never answer 304 (GitHub does both)",
    )
    serve.add_argument(
        "--rate-limit", metavar="SPEC", help="enforce limits, e.g. primary=5000/h,secondary=80/min"
    )
    serve.add_argument(
        "--faults",
        metavar="SPEC",
        help="inject faults, e.g. 5xx=0.05,latency=50ms,timeout=0.01,stall=30s,seed=1",
    )
    serve.set_defaults(handler=_guarded(_run_serve))
    seed = sub.add_parser("seed", help="create an org, an instructor and learners with tokens")
    _common(seed)
    seed.add_argument("--org", required=True)
    seed.add_argument("--learners", type=int, default=3, metavar="N")
    seed.set_defaults(handler=_guarded(_run_seed))


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data",
        type=Path,
        default=DEFAULT_DATA,
        metavar="DIR",
        help=f"state and git repositories (default {DEFAULT_DATA})",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)


def _guarded(handler: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Bad sandbox input ends as one line and exit code 2, like every UserError."""

    def run(args: argparse.Namespace) -> int:
        try:
            return handler(args)
        except UserError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return exc.exit_code

    return run


def _run_serve(args: argparse.Namespace) -> int:
    from sandbox.commands.serve import serve
    from sandbox.config import SandboxConfig, parse_env, parse_faults, parse_rate_limits

    config = SandboxConfig(
        data=args.data,
        host=args.host,
        port=args.port,
        actions=not args.no_actions,
        schedule=not args.no_schedule,
        workers=args.workers,
        run_timeout=args.run_timeout,
        etags=not args.no_etags,
        runner_env=parse_env(args.runner_env),
        rate_limits=parse_rate_limits(args.rate_limit) if args.rate_limit else None,
        faults=parse_faults(args.faults) if args.faults else None,
    )
    return serve(config=config)


def _run_seed(args: argparse.Namespace) -> int:
    from sandbox.commands.seed import seed

    return seed(
        data=args.data, org=args.org, learners=args.learners, host=args.host, port=args.port
    )
