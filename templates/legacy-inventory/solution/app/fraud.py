"""The payments provider's fraud screen.

Since the provider migration (OPS-88) the real call lives in the payments gateway; here we
only keep its latency (FRAUD_CHECK_MS) so that local timings look like production.
"""

from __future__ import annotations

import time

from app.config import Config

# Orders above this go to manual review in the gateway; we only log them now.
REVIEW_ABOVE_CENTS = 500_000


def screen_order(cfg: Config, customer_id: int, total_cents: int) -> bool:
    """True when the order may go ahead. The stub always says yes, after the usual delay."""
    time.sleep(cfg.fraud_check_ms / 1000)
    return customer_id > 0 and total_cents >= 0
