"""Migrate the database, then load Paystream's payment history: `python -m app.seed`.

SEED_PAYMENTS payments (200,000 by default) paid from 1 January 2025 to 31 October 2026, as
the nightly CSV export brought them in: about 90% succeeded, 5% failed, 5% refunded (in full
or in part), in euros mostly. The same every time (a fixed random seed); a database that
already holds payments is only migrated.
"""

from __future__ import annotations

import datetime as dt
import os
import random
from collections.abc import Iterator

import psycopg

from app import migrate, provider
from app.config import DEFAULT_DATABASE_URL

FIRST = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
LAST = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
CURRENCIES = ("eur",) * 8 + ("gbp", "usd")
Row = tuple[str, str, int, str, int, dt.datetime | None, int | None, dt.datetime]


def history(count: int) -> Iterator[Row]:
    """`count` payments spread evenly over the history, oldest first."""
    rng = random.Random(20261101)  # noqa: S311  (demo data, not a secret)
    step = (LAST - FIRST) / max(count, 1)
    for n in range(count):
        moment = FIRST + step * n
        amount = rng.randint(500, 25_000)
        currency = rng.choice(CURRENCIES)
        roll = rng.random()
        # The history's mix (demo data): no answer depends on its exact shares.
        if roll < 0.05:  # pragma: no mutate
            yield (f"pay_h{n:07d}", "failed", amount, currency, 0, None, None, moment)
            continue
        refunded = 0
        if roll > 0.95:  # pragma: no mutate
            refunded = amount if roll > 0.975 else amount // 2  # pragma: no mutate
        fee = provider.FIXED + amount * provider.PERCENT_IN_TENTHS // 1000
        status = "refunded" if refunded else "succeeded"
        yield (f"pay_h{n:07d}", status, amount, currency, refunded, moment, fee, moment)


def seed(url: str, count: int) -> int:
    """Migrate `url` and load `count` payments if it holds none; how many were loaded."""
    migrate.upgrade(url)
    with psycopg.connect(url) as conn:
        if conn.execute("SELECT EXISTS (SELECT 1 FROM payments)").fetchone() != (False,):
            return 0
        copying = (
            "COPY payments (id, status, amount, currency, amount_refunded, paid_at, fee, "
            "event_created) FROM STDIN"
        )
        with conn.cursor() as cursor, cursor.copy(copying) as copy:
            for row in history(count):
                copy.write_row(row)
        conn.execute("ANALYZE payments")
    return count


def main() -> None:
    url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    loaded = seed(url, int(os.environ.get("SEED_PAYMENTS", "200000")))
    print(f"seeded {loaded} payments")


if __name__ == "__main__":
    main()
