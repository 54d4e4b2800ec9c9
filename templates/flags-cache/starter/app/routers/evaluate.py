"""Evaluations: what every other service asks, on every request it serves."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app import store
from app.deps import Pool
from app.evaluation import User, evaluate
from app.models import Evaluation, Evaluations

router = APIRouter(tags=["evaluate"])

UserId = Annotated[str, Query(min_length=1, max_length=200)]
Attribute = Annotated[str | None, Query(max_length=100)]


@router.get("/flags/{key}/evaluate")
def evaluate_one(
    key: str, pool: Pool, user: UserId, plan: Attribute = None, country: Attribute = None
) -> Evaluation:
    """One flag's answer for one user."""
    with pool.connection() as conn:
        flag = store.load_flag(conn, key)
    return evaluate(flag, User(user, plan, country))  # type: ignore[arg-type]


@router.get("/evaluate")
def evaluate_all(
    pool: Pool, user: UserId, plan: Attribute = None, country: Attribute = None
) -> Evaluations:
    """Every flag's answer for one user (what a page asks once when it loads)."""
    asking = User(user, plan, country)
    with pool.connection() as conn:
        flags = store.load_all_flags(conn)
    return Evaluations(user=user, flags={f.key: evaluate(f, asking).enabled for f in flags})
