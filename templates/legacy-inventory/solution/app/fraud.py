"""The payments provider's fraud screen.

Since the provider migration (OPS-88) the real call, and the decision to decline, live in
the payments gateway; here we only keep its latency (FRAUD_CHECK_MS) so that local timings
look like production. Call it before opening a transaction: it must never hold a lock.
"""

from __future__ import annotations

import time

from app.config import Config


def screen_order(cfg: Config) -> None:
    """Wait as long as the fraud screen would."""
    time.sleep(cfg.fraud_check_ms / 1000)
