"""Expiry: one load per expired entry, however many requests want it at once."""

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

AT_ONCE = 16
WATCH_SECONDS = 1.5


def most_waiting(database: Any, send: Callable[[int], httpx.Response]) -> tuple[int, list[int]]:
    """Send AT_ONCE requests together while every table is locked; the most sessions seen
    waiting for a lock, and every request's status once the locks are gone."""
    start = threading.Barrier(AT_ONCE)

    def together(n: int) -> httpx.Response:
        start.wait()
        return send(n)

    with ThreadPoolExecutor(AT_ONCE) as pool:
        with database.locked():
            sent = [pool.submit(together, n) for n in range(AT_ONCE)]
            most = 0
            deadline = time.monotonic() + WATCH_SECONDS
            while time.monotonic() < deadline:
                most = max(most, database.waiting())
                time.sleep(0.1)
        statuses = [future.result().status_code for future in sent]
    return most, statuses


def test_an_expired_flag_is_loaded_once(flagpole: Any, redis: Any, database: Any) -> None:
    """When a flag's cache entry expires, one request loads it while the others wait for that load (a lock in Redis): 16 requests at once, to both instances, must not become 16 queries."""
    flagpole.set("qa-20", enabled=True, rollout_percent=100, rules=[])
    redis.command("FLUSHALL")  # every entry expires at once
    most, statuses = most_waiting(
        database,
        lambda n: flagpole.instances[n % 2].get("/flags/qa-20/evaluate", params={"user": f"u{n}"}),
    )
    assert statuses == [200] * AT_ONCE
    assert most <= 2, f"{most} requests queried the database for the same flag at once"


def test_an_expired_page_load_is_loaded_once(flagpole: Any, redis: Any, database: Any) -> None:
    """When the cached list of every flag expires, one request loads it while the others wait: 16 page loads at once must not become 16 loads of every flag."""
    redis.command("FLUSHALL")
    most, statuses = most_waiting(
        database, lambda n: flagpole.instances[n % 2].get("/evaluate", params={"user": f"u{n}"})
    )
    assert statuses == [200] * AT_ONCE
    assert most <= 2, f"{most} page loads queried the database at once"
