"""Percentage rollouts: the same answer for a user everywhere (README: "Rollouts")."""

import hashlib

from fastapi.testclient import TestClient

from tests.conftest import answer, set_flag

USERS = [f"user-{n}" for n in range(200)]


def contract_bucket(key: str, user: str) -> int:
    """The SDKs' bucket, written out here from the README (not imported from the app)."""
    return int.from_bytes(hashlib.sha256(f"{key}:{user}".encode()).digest()[:4], "big") % 100


def test_buckets_follow_the_contract(client: TestClient) -> None:
    set_flag(client, "qa-05", enabled=True, rollout_percent=30, rules=[])
    for user in USERS:
        assert answer(client, "qa-05", user)["enabled"] == (contract_bucket("qa-05", user) < 30)


def test_raising_a_rollout_keeps_everyone_already_in(client: TestClient) -> None:
    set_flag(client, "qa-06", enabled=True, rollout_percent=20, rules=[])
    before = {user for user in USERS if answer(client, "qa-06", user)["enabled"]}
    set_flag(client, "qa-06", rollout_percent=50)
    after = {user for user in USERS if answer(client, "qa-06", user)["enabled"]}
    assert before < after
