"""`GET /payments/{payment_id}`: a payment as the events received so far leave it."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, HTTPException, status
from pydantic import BaseModel

from app.deps import Pool

router = APIRouter(tags=["payments"])


class Payment(BaseModel):
    id: str
    status: str
    amount: int
    currency: str
    amount_refunded: int
    paid_at: dt.datetime | None
    fee: int | None


@router.get("/payments/{payment_id}")
def get_payment(payment_id: str, pool: Pool) -> Payment:
    """200 with the payment, 404 if no event about it has been processed yet."""
    with pool.connection() as conn:
        row = conn.execute(
            "SELECT id, status, amount, currency, amount_refunded, paid_at, fee "
            "FROM payments WHERE id = %s",
            (payment_id,),
        ).fetchone()
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such payment")
    fields = ("id", "status", "amount", "currency", "amount_refunded", "paid_at", "fee")
    # The row always has the seven columns asked for: strict or not, the same payment.
    return Payment.model_validate(dict(zip(fields, row, strict=True)))  # pragma: no mutate
