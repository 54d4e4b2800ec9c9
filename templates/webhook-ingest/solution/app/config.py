"""Settings read from the environment (twelve-factor): nothing secret lives in the code."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

# A local PostgreSQL reached over its socket as your own user (README: "Running it").
DEFAULT_DATABASE_URL = "postgresql:///payments"


class ConfigError(RuntimeError):
    """A setting is missing or invalid: the service refuses to start."""


def _int(name: str, default: int, lowest: int) -> int:
    raw = os.environ.get(name, str(default))
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a whole number") from None
    if value < lowest:
        raise ConfigError(f"{name}={value} is below {lowest}")
    return value


@dataclass(frozen=True)  # pragma: no mutate  (immutability guards the code, no request sees it)
class Settings:
    """Everything the service needs to start."""

    # repr=False keeps the secret out of logs and tracebacks; no request can observe it.
    webhook_secret: str = field(repr=False)  # pragma: no mutate
    database_url: str = DEFAULT_DATABASE_URL
    tolerance_seconds: int = 300
    worker_threads: int = 4

    @classmethod
    def from_env(cls) -> Settings:
        """Read the settings from environment variables; refuse to start without a secret."""
        secret = os.environ.get("WEBHOOK_SECRET", "")
        if not secret:
            raise ConfigError(
                "WEBHOOK_SECRET is not set: without Paystream's signing secret no delivery "
                "can be verified (README: Running it)"
            )
        return cls(
            webhook_secret=secret,
            database_url=os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL),
            tolerance_seconds=_int("WEBHOOK_TOLERANCE_SECONDS", 300, 1),
            worker_threads=_int("WORKER_THREADS", 4, 0),
        )
