"""Settings read from the environment and checked before the service serves anything.

A setting that is missing or wrong stops the process at startup with one line naming the
variable and what it must be: a deploy with a typo fails its rollout, instead of serving 500s
from the first request that needs the setting.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

DEFAULT_DATABASE_URL = "postgresql:///shipquote"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


class ConfigError(RuntimeError):
    """A setting is missing or invalid: the message names it and what it must be."""


def _number(name: str, default: str, lowest: float, highest: float) -> float:
    raw = os.environ.get(name, default)
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a number") from None
    if not lowest <= value <= highest:
        raise ConfigError(f"{name}={raw} must be between {lowest:g} and {highest:g}")
    return value


@dataclass(frozen=True)  # pragma: no mutate  (immutability guards the code, no request sees it)
class Settings:
    carrier_url: str
    database_url: str = DEFAULT_DATABASE_URL
    carrier_timeout_seconds: float = 1.0
    carrier_attempts: int = 3
    log_level: str = "INFO"
    port: int = 8000

    @classmethod
    def from_env(cls) -> Settings:
        """Every setting, checked; ConfigError for the first that is wrong."""
        carrier_url = os.environ.get("CARRIER_URL", "").rstrip("/")
        if not carrier_url.startswith(("http://", "https://")):
            raise ConfigError(f"CARRIER_URL={carrier_url!r} must be Parcelway's http(s) address")
        level = os.environ.get("LOG_LEVEL", "INFO").upper()
        if level not in LOG_LEVELS:
            raise ConfigError(f"LOG_LEVEL={level!r} must be one of {', '.join(LOG_LEVELS)}")
        return cls(
            carrier_url=carrier_url,
            database_url=os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL),
            carrier_timeout_seconds=_number("CARRIER_TIMEOUT_SECONDS", "1", 0.05, 10),
            carrier_attempts=int(_number("CARRIER_ATTEMPTS", "3", 1, 5)),
            log_level=level,
            port=int(_number("PORT", "8000", 1, 65535)),
        )
