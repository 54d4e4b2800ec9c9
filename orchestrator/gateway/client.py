"""`GitHub`, the gateway composed of its API areas, and how a command obtains one."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from orchestrator.gateway.actions import ActionsAPI
from orchestrator.gateway.activity import ActivityAPI
from orchestrator.gateway.checks import ChecksAPI
from orchestrator.gateway.graphql import GraphQLAPI
from orchestrator.gateway.issues import IssuesAPI
from orchestrator.gateway.people import PeopleAPI
from orchestrator.gateway.repos import ReposAPI
from orchestrator.gateway.rulesets import RulesetsAPI
from orchestrator.gateway.secrets import SecretsAPI
from orchestrator.gateway.transport import AuthError
from orchestrator.pacing import Announce, Pacer


class GitHub(
    ReposAPI,
    PeopleAPI,
    IssuesAPI,
    ChecksAPI,
    SecretsAPI,
    ActivityAPI,
    ActionsAPI,
    GraphQLAPI,
    RulesetsAPI,
):
    """The gateway: typed operations on GitHub, each write paced and never blindly replayed."""


def find_token() -> str:
    """`GITHUB_TOKEN`, else what `gh auth token` prints; never printed or logged."""
    token = os.environ.get("GITHUB_TOKEN", "").strip()
    if not token and shutil.which("gh"):
        from basis.procs import Limits, run_cmd

        result = run_cmd(
            ["gh", "auth", "token"],
            cwd=Path.cwd(),
            env=dict(os.environ),
            limits=Limits(timeout_seconds=15),
            merge_stderr=False,
        )
        token = result.output.strip() if result.ok else ""
    if not token:
        raise AuthError("no GitHub token: set GITHUB_TOKEN, or log in with `gh auth login`")
    return token


def token_from(variable: str, fix: str) -> str:
    """The token in the environment variable `variable` (a workflow's secret); never printed."""
    token = os.environ.get(variable, "").strip()
    if not token:
        raise AuthError(f"{variable} is not set; {fix}")
    return token


def connect(
    api_url: str,
    *,
    per_minute: int,
    per_hour: int,
    token: str | None = None,
    announce: Announce | None = None,
) -> GitHub:
    """The gateway for a command, with `token` (default: `find_token()`) and its own pacer;
    `announce` is told of each long wait before it starts. CLASSROOM_PACING=off turns pacing
    off (sandbox runs)."""
    pacing = os.environ.get("CLASSROOM_PACING", "on").lower() not in ("off", "0", "no")
    pacer = Pacer(per_minute, per_hour, announce=announce) if pacing else None
    backoff = 1.0 if pacing else 0.05
    return GitHub(api_url, token or find_token(), pacer=pacer, backoff=backoff, announce=announce)
