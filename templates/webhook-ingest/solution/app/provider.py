"""Paystream's API client, vendored from their SDK. Do not edit: official grading puts it back.

Each call is a request to Paystream's API over the internet: about 200 ms on a good day.
"""

from __future__ import annotations

import os
import time

# Paystream's pricing: 1.4% of the amount plus 25 minor units, rounded down.
PERCENT_IN_TENTHS = 14
FIXED = 25


def fetch_fee(payment_id: str, amount: int, currency: str) -> int:
    """The fee Paystream charged for a paid payment, in `currency`'s minor unit.

    Blocks for the round trip to Paystream (PAYSTREAM_LATENCY_MS, 200 by default)."""
    if not payment_id or amount < 0 or len(currency) != 3:
        raise ValueError(f"Paystream: no such payment {payment_id!r}")
    time.sleep(int(os.environ.get("PAYSTREAM_LATENCY_MS", "200")) / 1000)
    return FIXED + amount * PERCENT_IN_TENTHS // 1000
