"""The cache (README: "FLAG-31"): answers from Redis, fresh after a change, never in the way."""

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from tests.conftest import answer, set_flag


def test_a_second_evaluation_does_not_read_the_database(
    client: TestClient, loads: dict[str, int]
) -> None:
    answer(client, "checkout-one-click", "ada")
    answer(client, "checkout-one-click", "grace")
    assert loads["load_flag"] <= 1


def test_a_page_loads_evaluation_reads_the_database_once(
    client: TestClient, loads: dict[str, int]
) -> None:
    for user in ("ada", "grace", "linus"):
        assert client.get("/evaluate", params={"user": user}).status_code == 200
    assert loads == {"load_flag": 0, "load_all_flags": 1}


def test_a_change_is_seen_at_once_by_every_process(
    make_client: Callable[..., TestClient],
) -> None:
    console, other = make_client(), make_client()
    set_flag(console, "qa-07", enabled=True, rollout_percent=100, rules=[])
    assert answer(other, "qa-07", "ada")["enabled"] is True
    assert other.get("/evaluate", params={"user": "ada"}).json()["flags"]["qa-07"] is True
    set_flag(console, "qa-07", enabled=False)
    assert answer(other, "qa-07", "ada")["enabled"] is False
    assert other.get("/evaluate", params={"user": "ada"}).json()["flags"]["qa-07"] is False


@pytest.mark.parametrize("url", ["", "unix:///nonexistent/redis.sock"], ids=["unset", "gone"])
def test_without_redis_the_database_answers(
    make_client: Callable[..., TestClient], url: str
) -> None:
    client = make_client(REDIS_URL=url)
    set_flag(client, "qa-08", enabled=True, rollout_percent=100, rules=[])
    assert answer(client, "qa-08", "ada")["enabled"] is True
    assert client.get("/evaluate", params={"user": "ada"}).json()["flags"]["qa-08"] is True
