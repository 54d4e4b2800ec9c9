"""Evaluations: what every other service asks, on every request it serves."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query

from app import lookup
from app.deps import FlagCache, Pool
from app.evaluation import User, evaluate
from app.models import Evaluation, Evaluations

router = APIRouter(tags=["evaluate"])

UserId = Annotated[str, Query(min_length=1, max_length=200)]
Attribute = Annotated[str | None, Query(max_length=100)]


@router.get("/flags/{key}/evaluate")
def evaluate_one(
    key: str, pool: Pool, cache: FlagCache, user: UserId,
    plan: Attribute = None, country: Attribute = None,
) -> Evaluation:  # fmt: skip
    """One flag's answer for one user; 404 when there is no such flag."""
    found = lookup.flag(cache, pool, key)
    if found is None:
        raise HTTPException(status_code=404, detail=f"no flag {key!r}")
    return evaluate(found, User(user, plan, country))


@router.get("/evaluate")
def evaluate_all(
    pool: Pool, cache: FlagCache, user: UserId, plan: Attribute = None, country: Attribute = None
) -> Evaluations:
    """Every flag's answer for one user (what a page asks once when it loads)."""
    asking = User(user, plan, country)
    answers = {f.key: evaluate(f, asking).enabled for f in lookup.every_flag(cache, pool)}
    return Evaluations(user=user, flags=answers)
