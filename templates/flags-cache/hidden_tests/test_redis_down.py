"""Redis stalls: the database answers, within a second or two, and nothing is wrong."""

import time
from typing import Any

import httpx

# Redis stalls for longer than a caller waits: only a service that gives up on Redis answers.
STALL_MS = 3000
CALLER_WAITS = 2.0
IN_A_ROW = 6


def test_a_stalled_redis_does_not_stall_evaluations(flagpole: Any, redis: Any) -> None:
    """When Redis stalls, evaluations keep answering, correctly, from the database: six in a row within 2 s in all. Give every Redis call a short timeout, and stop trying Redis for a few seconds after one fails."""
    flagpole.set("qa-18", enabled=True, rollout_percent=100, rules=[])
    with (
        redis.paused(STALL_MS),
        httpx.Client(base_url=flagpole.http.base_url, timeout=CALLER_WAITS) as caller,
    ):
        started = time.monotonic()
        for n in range(IN_A_ROW):
            response = caller.get("/flags/qa-18/evaluate", params={"user": f"u{n}"})
            assert response.status_code == 200
            assert response.json()["enabled"] is True
        took = time.monotonic() - started
        assert took <= CALLER_WAITS, f"{IN_A_ROW} evaluations took {took:.1f} s"


def test_a_stalled_redis_does_not_stall_page_loads(flagpole: Any, redis: Any) -> None:
    """When Redis stalls, GET /evaluate still answers every flag within a second or two, from the database."""
    flagpole.set("qa-19", enabled=False)
    with (
        redis.paused(STALL_MS),
        httpx.Client(base_url=flagpole.http.base_url, timeout=CALLER_WAITS) as caller,
    ):
        response = caller.get("/evaluate", params={"user": "ada"})
        assert response.status_code == 200
        flags = response.json()["flags"]
        assert len(flags) == 100
        assert flags["qa-19"] is False
