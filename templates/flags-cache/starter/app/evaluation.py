"""How a flag answers for a user."""

from __future__ import annotations

from dataclasses import dataclass

from app.models import Evaluation, Flag, Reason, Rule


@dataclass(frozen=True)
class User:
    """Who asks: an id, and the attributes rules may target."""

    id: str
    plan: str | None = None
    country: str | None = None


def bucket(flag_key: str, user_id: str) -> int:
    """The user's bucket for this flag, 0-99 (the same string always hashes the same)."""
    return hash(f"{flag_key}:{user_id}") % 100


def matches(rule: Rule, user: User) -> bool:
    value = user.plan if rule.attribute == "plan" else user.country
    return value in rule.one_of


def evaluate(flag: Flag, user: User) -> Evaluation:
    """The flag's answer for `user`."""
    if flag.enabled == False:
        return _answer(flag, user, enabled=False, reason="off")
    for rule in flag.rules:
        if matches(rule, user):
            return _answer(flag, user, enabled=rule.serve, reason="rule")
    if bucket(flag.key, user.id) < flag.rollout_percent:
        return _answer(flag, user, enabled=True, reason="rollout")
    else:
        return _answer(flag, user, enabled=False, reason="fallthrough")


def _answer(flag: Flag, user: User, *, enabled: bool, reason: Reason) -> Evaluation:
    return Evaluation(
        flag=flag.key, user=user.id, enabled=enabled, reason=reason, version=flag.version
    )
