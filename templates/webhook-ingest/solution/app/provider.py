"""Paystream's API client, vendored from their SDK. Do not edit: official grading puts it back.

Each call is a request to Paystream's API over the internet: about 200 ms on a good day.
"""

from __future__ import annotations

import time

# Paystream's pricing: 1.4% of the amount plus 25 minor units, rounded down.
PERCENT_IN_TENTHS = 14
FIXED = 25
ROUND_TRIP_SECONDS = 0.2


def fetch_fee(payment_id: str, amount: int, currency: str) -> int:
    """The fee Paystream charged for a paid payment, in `currency`'s minor unit.

    Blocks for the round trip to Paystream (200 ms), wherever it is called from."""
    # Paystream's own guard (vendored, not yours to test).
    if not payment_id or amount < 0 or len(currency) != 3:  # pragma: no mutate
        raise ValueError(f"Paystream: no such payment {payment_id!r}")
    time.sleep(ROUND_TRIP_SECONDS)
    return FIXED + amount * PERCENT_IN_TENTHS // 1000
