"""`GET /reports/revenue?from=&to=`: revenue per UTC day and currency, for finance."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, status
from pydantic import BaseModel, Field

from app.deps import Pool

router = APIRouter(tags=["reports"])
MAX_DAYS = 366

# Payments paid in [first, after): grouped in SQL, read through the index on paid_at.
REVENUE = """
SELECT (paid_at AT TIME ZONE 'UTC')::date AS day, currency, count(*), sum(amount),
       sum(amount_refunded)
FROM payments
WHERE paid_at >= %s AND paid_at < %s AND status IN ('succeeded', 'refunded')
GROUP BY day, currency
ORDER BY day, currency
"""


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


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), dt.UTC)


@router.get("/reports/revenue", response_model_by_alias=True)
def revenue(
    pool: Pool,
    first: Annotated[dt.date, Query(alias="from")],
    last: Annotated[dt.date, Query(alias="to")],
) -> RevenueReport:
    """Gross, refunded and net revenue of the payments paid on each UTC day from `from` to
    `to`, both included; days without payments are left out."""
    if last < first:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "`to` is before `from`")
    if (last - first).days >= MAX_DAYS:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, f"at most {MAX_DAYS} days per report"
        )
    after = last + dt.timedelta(days=1)
    with pool.connection() as conn:
        rows = conn.execute(REVENUE, (_midnight(first), _midnight(after))).fetchall()
    days = [
        DayRevenue(
            day=day, currency=currency, payments=count, gross=gross, refunded=refunded,
            net=gross - refunded,
        )
        for day, currency, count, gross, refunded in rows
    ]  # fmt: skip
    return RevenueReport(from_=first, to=last, days=days)
