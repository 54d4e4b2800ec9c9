"""Settings read from the environment (twelve-factor): nothing of the deployment is in the code."""

from __future__ import annotations

import os
from dataclasses import dataclass

# A local PostgreSQL reached over its socket as your own user (README: "Running it").
DEFAULT_DATABASE_URL = "postgresql:///tally"


class ConfigError(RuntimeError):
    """A setting is missing or invalid: the process refuses to start."""


def _seconds(name: str, default: float) -> float:
    raw = os.environ.get(name, str(default))
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a number of seconds") from None
    if not value > 0:
        raise ConfigError(f"{name}={value} must be above 0")
    return value


@dataclass(frozen=True)  # pragma: no mutate  (immutability guards the code, no request sees it)
class Settings:
    """Everything the API and the worker need to start."""

    ledger_url: str
    database_url: str = DEFAULT_DATABASE_URL
    ledger_timeout_seconds: float = 2.0

    @classmethod
    def from_env(cls) -> Settings:
        """Read the settings from environment variables; refuse to start without the ledger."""
        ledger_url = os.environ.get("LEDGER_URL", "").rstrip("/")
        if not ledger_url.startswith(("http://", "https://")):
            raise ConfigError(
                f"LEDGER_URL={ledger_url!r} is not an http(s) address: the worker posts every "
                "import to Ledgerly there (README: Running it)"
            )
        return cls(
            ledger_url=ledger_url,
            database_url=os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL),
            ledger_timeout_seconds=_seconds("LEDGER_TIMEOUT_SECONDS", 2.0),
        )
