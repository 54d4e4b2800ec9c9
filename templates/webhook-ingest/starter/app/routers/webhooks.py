"""`POST /webhooks/paystream`: Paystream's deliveries (PAY-301, PAY-302, PAY-303)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, status

router = APIRouter(tags=["webhooks"])


@router.post("/webhooks/paystream", status_code=status.HTTP_202_ACCEPTED)
def receive() -> dict[str, str]:
    """202 for a new event (queued), 200 for one already received, 401 if not Paystream's."""
    raise HTTPException(status.HTTP_501_NOT_IMPLEMENTED, "not built yet: see README.md")
