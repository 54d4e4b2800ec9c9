"""`GET /reports/revenue?from=&to=`: revenue per UTC day and currency, for finance.

Ported from finance's spreadsheet macro by the intern last summer.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from app.deps import Pool

router = APIRouter(tags=["reports"])


class DayRevenue(BaseModel):
    day: dt.date
    currency: str
    payments: int
    gross: int
    refunded: int
    net: int


class RevenueReport(BaseModel):
    from_: dt.date = Field(serialization_alias="from")
    to: dt.date
    days: list[DayRevenue]


@router.get("/reports/revenue", response_model_by_alias=True)
def revenue(
    pool: Pool,
    first: Annotated[dt.date, Query(alias="from")],
    last: Annotated[dt.date, Query(alias="to")],
) -> RevenueReport:
    """Gross, refunded and net revenue of the payments paid on each UTC day from `from` to
    `to`, both included; days without payments are left out."""
    with pool.connection() as conn:
        rows = conn.execute(
            "SELECT status, amount, currency, amount_refunded, paid_at FROM payments"
        ).fetchall()
    totals: dict[tuple[dt.date, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for status, amount, currency, refunded, paid_at in rows:
        if status == "failed" or paid_at is None:
            continue
        day = paid_at.astimezone(dt.UTC).date()
        if first <= day <= last:
            total = totals[(day, currency)]
            total[0] += 1
            total[1] += amount
            total[2] += refunded
    days = [
        DayRevenue(
            day=day, currency=currency, payments=count, gross=gross, refunded=refunded,
            net=gross - refunded,
        )
        for (day, currency), (count, gross, refunded) in sorted(totals.items())
    ]  # fmt: skip
    return RevenueReport(from_=first, to=last, days=days)
