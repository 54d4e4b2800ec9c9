"""How one sandbox server runs: where its data lives and which realism switches are on."""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import BaseModel, Field

from basis.errors import UserError


class SandboxUsageError(UserError, ValueError):
    """Bad input to `classroom sandbox …`: one line with the fix, exit code 2 (a UserError;
    a ValueError to code that parses option values)."""


class RateLimits(BaseModel):
    """GitHub's limits: requests per hour (primary), content-creating requests per minute and
    per hour (secondary; the hourly one only when set), GraphQL points per hour."""

    primary_per_hour: int = 5000
    secondary_per_minute: int = 80
    secondary_per_hour: int | None = None  # GitHub's is 500
    graphql_points_per_hour: int = 5000


class Faults(BaseModel):
    """Injected failures, reproducible from `seed`."""

    error_rate: float = 0.0
    latency_ms: int = 0
    timeout_rate: float = 0.0  # share of requests that stall (then complete) past a client timeout
    stall_seconds: float = 30.0
    seed: int = 0


class SandboxConfig(BaseModel):
    """Everything `classroom sandbox serve` was asked for."""

    data: Path
    host: str = "127.0.0.1"
    port: int = 8765
    actions: bool = True
    schedule: bool = True  # check `on: schedule` crons every minute (tests move the clock instead)
    workers: int = 2
    run_timeout: float = 600
    rate_limits: RateLimits | None = None
    faults: Faults | None = None
    # ETag / If-None-Match -> 304. On in `sandbox serve`; off by default in code so suites
    # that count API reads opt in (tests/sandbox: start(..., etags=True)).
    etags: bool = False
    # Extra environment for workflow steps, e.g. PIP_FIND_LINKS for an offline wheelhouse.
    runner_env: dict[str, str] = Field(default_factory=dict)

    @property
    def state_db(self) -> Path:
        return self.data / "state.sqlite3"

    @property
    def git_root(self) -> Path:
        return self.data / "git"

    @property
    def logs_dir(self) -> Path:
        return self.data / "logs"


def _pairs(text: str, option: str) -> dict[str, str]:
    pairs = {}
    for item in filter(None, text.split(",")):
        key, sep, value = item.partition("=")
        if not sep:
            raise SandboxUsageError(f"{option}: '{item}' is not KEY=VALUE, e.g. {option} 5xx=0.05")
        pairs[key.strip()] = value.strip()
    return pairs


def parse_rate_limits(text: str) -> RateLimits:
    """`primary=5000/h,secondary=80/min,hourly=500/h,graphql=5000/h` as RateLimits."""
    limits = RateLimits()
    for key, value in _pairs(text, "--rate-limit").items():
        match = re.fullmatch(r"(\d+)/(h|min)", value)
        if key not in ("primary", "secondary", "hourly", "graphql") or not match:
            raise SandboxUsageError(
                f"--rate-limit: cannot read '{key}={value}'; write "
                "primary=N/h,secondary=N/min,hourly=N/h,graphql=N/h (each optional)"
            )
        count = int(match[1])
        per_hour = count if match[2] == "h" else count * 60
        if key == "primary":
            limits.primary_per_hour = per_hour
        elif key == "hourly":
            limits.secondary_per_hour = per_hour
        elif key == "graphql":
            limits.graphql_points_per_hour = per_hour
        else:
            limits.secondary_per_minute = max(1, per_hour // 60)
    return limits


def parse_faults(text: str) -> Faults:
    """`5xx=0.05,latency=50ms,seed=1` as Faults."""
    faults = Faults()
    for key, value in _pairs(text, "--faults").items():
        try:
            if key == "5xx":
                faults.error_rate = float(value)
            elif key == "latency":
                faults.latency_ms = int(value.removesuffix("ms"))
            elif key == "timeout":
                faults.timeout_rate = float(value)
            elif key == "stall":
                faults.stall_seconds = float(value.removesuffix("s"))
            elif key == "seed":
                faults.seed = int(value)
            else:
                raise ValueError(key)
        except ValueError as exc:
            raise SandboxUsageError(
                f"--faults: cannot read '{key}={value}'; "
                "write 5xx=0.05,latency=50ms,timeout=0.01,stall=30s,seed=1"
            ) from exc
    return faults


def parse_env(items: list[str]) -> dict[str, str]:
    """`KEY=VALUE` items (from repeated --runner-env) as a dict."""
    env = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise SandboxUsageError(f"--runner-env: '{item}' is not KEY=VALUE")
        env[key] = value
    return env
