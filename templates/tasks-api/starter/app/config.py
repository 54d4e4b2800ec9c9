"""Settings read from the environment (twelve-factor): nothing secret lives in the code."""

from __future__ import annotations

import os
from dataclasses import dataclass

JWT_SECRET = "dev-secret-change-me"


@dataclass(frozen=True)
class Settings:
    """Everything the service needs to start."""

    database_url: str = "sqlite:///./tasks.db"
    jwt_secret: str = JWT_SECRET
    token_minutes: int = 30

    @classmethod
    def from_env(cls) -> Settings:
        """Read the settings from environment variables, with local-development defaults."""
        return cls(
            database_url=os.environ.get("DATABASE_URL", cls.database_url),
            jwt_secret=os.environ.get("JWT_SECRET", JWT_SECRET),
            token_minutes=int(os.environ.get("ACCESS_TOKEN_MINUTES", cls.token_minutes)),
        )
