"""Percentage rollouts: the SDKs' bucket, stable in every process, growing without churn."""

from typing import Any

USERS = [f"user-{n}" for n in range(300)]


def test_buckets_follow_the_sdk_contract(flagpole: Any, bucket: Any) -> None:
    """Rollouts follow the README's bucket: SHA-256 of `key:user`, its first 4 bytes big-endian, modulo 100 (Python's hash() differs between processes)."""
    flagpole.set("qa-06", enabled=True, rollout_percent=37, rules=[])
    wrong = [u for u in USERS if flagpole.enabled("qa-06", u) != (bucket("qa-06", u) < 37)]
    assert not wrong, f"{len(wrong)} of {len(USERS)} users, e.g. {wrong[:3]}"


def test_a_user_gets_the_same_answer_every_time(flagpole: Any) -> None:
    """A user's answer must not flicker from one request to the next: two instances of the service (a process each) answer in turn, and both must agree."""
    flagpole.set("qa-07", enabled=True, rollout_percent=50, rules=[])
    for user in USERS[:20]:
        answers = {flagpole.enabled("qa-07", user) for _ in range(8)}
        assert len(answers) == 1, user


def test_raising_a_rollout_only_adds_users(flagpole: Any) -> None:
    """Raising a rollout from 20% to 60% keeps every user who had the feature, and adds others."""
    flagpole.set("qa-08", enabled=True, rollout_percent=20, rules=[])
    before = {u for u in USERS if flagpole.enabled("qa-08", u)}
    flagpole.set("qa-08", rollout_percent=60)
    after = {u for u in USERS if flagpole.enabled("qa-08", u)}
    assert before < after
    assert 120 <= len(after) <= 240


def test_rollouts_of_two_flags_pick_different_users(flagpole: Any) -> None:
    """Two flags at 50% pick different halves of the users: the bucket depends on the flag's key as well as the user."""
    flagpole.set("qa-09", enabled=True, rollout_percent=50, rules=[])
    flagpole.set("qa-10", enabled=True, rollout_percent=50, rules=[])
    first = {u for u in USERS if flagpole.enabled("qa-09", u)}
    second = {u for u in USERS if flagpole.enabled("qa-10", u)}
    assert len(first ^ second) > 60


def test_zero_is_nobody_and_a_hundred_is_everybody(flagpole: Any) -> None:
    """A rollout of 0% turns the flag on for nobody, 100% for everybody."""
    flagpole.set("qa-11", enabled=True, rollout_percent=0, rules=[])
    assert not any(flagpole.enabled("qa-11", u) for u in USERS[:50])
    flagpole.set("qa-11", rollout_percent=100)
    assert all(flagpole.enabled("qa-11", u) for u in USERS[:50])
