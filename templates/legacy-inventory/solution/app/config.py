"""Settings, read from the environment once per app (see docs/runbook.md)."""

from __future__ import annotations

import os
from typing import NamedTuple


class Config(NamedTuple):
    database_url: str
    fraud_check_ms: int
    default_page_size: int
    max_page_size: int
    low_stock_threshold: int


def load_config() -> Config:
    """The settings for this process; unset variables fall back to the dev defaults."""
    return Config(
        database_url=os.environ.get("DATABASE_URL", "postgresql:///stockroom"),
        # The payments provider's fraud screen answers in 20-40 ms in production.
        fraud_check_ms=int(os.environ.get("FRAUD_CHECK_MS", "30")),
        default_page_size=int(os.environ.get("PAGE_SIZE", "25")),
        max_page_size=100,
        low_stock_threshold=int(os.environ.get("LOW_STOCK_THRESHOLD", "10")),
    )
