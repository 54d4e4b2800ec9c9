"""Settings read from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass

# A local PostgreSQL reached over its socket as your own user (README: "Running it").
DEFAULT_DATABASE_URL = "postgresql:///bookings"


@dataclass(frozen=True)
class Settings:
    """Everything the service needs to start."""

    database_url: str = DEFAULT_DATABASE_URL
    jwt_secret: str = "bookings-dev-secret"
    token_minutes: int = 30

    @classmethod
    def from_env(cls) -> Settings:
        """Read the settings from environment variables, with local-development defaults."""
        return cls(
            database_url=os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL),
            jwt_secret=os.environ.get("JWT_SECRET", cls.jwt_secret),
            token_minutes=int(os.environ.get("ACCESS_TOKEN_MINUTES", "30")),
        )
