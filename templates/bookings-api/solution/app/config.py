"""Settings read from the environment (twelve-factor): nothing secret lives in the code."""

from __future__ import annotations

import logging
import os
import secrets
from dataclasses import dataclass, field

log = logging.getLogger(__name__)
# A local PostgreSQL reached over its socket as your own user (README: "Running it").
DEFAULT_DATABASE_URL = "postgresql:///bookings"


def _secret_from_env() -> str:
    secret = os.environ.get("JWT_SECRET", "")
    if not secret:
        log.warning("JWT_SECRET is not set: using a random key, tokens die with the process")
        secret = secrets.token_urlsafe(32)
    return secret


@dataclass(frozen=True)  # pragma: no mutate  (immutability guards the code, no request sees it)
class Settings:
    """Everything the service needs to start."""

    database_url: str = DEFAULT_DATABASE_URL
    # repr=False keeps the key out of logs and tracebacks; no request can observe it.
    jwt_secret: str = field(  # pragma: no mutate
        default_factory=lambda: secrets.token_urlsafe(32),
        repr=False,  # pragma: no mutate
    )
    token_minutes: int = 30

    @classmethod
    def from_env(cls) -> Settings:
        """Read the settings from environment variables, with local-development defaults."""
        return cls(
            database_url=os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL),
            jwt_secret=_secret_from_env(),
            token_minutes=int(os.environ.get("ACCESS_TOKEN_MINUTES", "30")),
        )
