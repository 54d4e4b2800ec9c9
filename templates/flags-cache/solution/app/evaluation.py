"""How a flag answers for a user: pure, the same in every process, on every day.

The mobile and web SDKs compute the same answer offline (README: "How a flag answers"), so
every step here is part of the contract: the kill switch, then the rules in order, then the
user's rollout bucket.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from app.models import Evaluation, Flag, Reason, Rule


@dataclass(frozen=True)  # pragma: no mutate  (immutability guards the code, no answer changes)
class User:
    """Who asks: an id, and the attributes rules may target."""

    id: str
    plan: str | None = None
    country: str | None = None


def bucket(flag_key: str, user_id: str) -> int:
    """The user's bucket for this flag, 0-99: the first four bytes of SHA-256 of
    `{flag_key}:{user_id}`, big-endian, modulo 100. Stable everywhere, and independent between
    flags (the first 10% of one rollout are not the first 10% of every other)."""
    digest = hashlib.sha256(f"{flag_key}:{user_id}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % 100


def matches(rule: Rule, user: User) -> bool:
    """Plans compare exactly; country codes (ISO 3166) in any case."""
    if rule.attribute == "plan":
        return user.plan is not None and user.plan in rule.one_of
    if user.country is None:
        return False
    return user.country.upper() in {code.upper() for code in rule.one_of}


def evaluate(flag: Flag, user: User) -> Evaluation:
    """The flag's answer for `user`: off when disabled, else the first rule that matches, else
    on for users whose bucket is below the rollout percentage."""
    if not flag.enabled:
        return _answer(flag, user, enabled=False, reason="off")
    for rule in flag.rules:
        if matches(rule, user):
            return _answer(flag, user, enabled=rule.serve, reason="rule")
    if bucket(flag.key, user.id) < flag.rollout_percent:
        return _answer(flag, user, enabled=True, reason="rollout")
    return _answer(flag, user, enabled=False, reason="fallthrough")


def _answer(flag: Flag, user: User, *, enabled: bool, reason: Reason) -> Evaluation:
    return Evaluation(
        flag=flag.key, user=user.id, enabled=enabled, reason=reason, version=flag.version
    )
