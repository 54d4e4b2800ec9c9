"""`POST /webhooks/paystream`: verify, store, answer; the work happens in the workers."""

from __future__ import annotations

import time

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from app.deps import AppSettings, AppWorkers, Pool
from app.events import parse_event
from app.signatures import HEADER, SignatureError, verify
from app.worker import store

router = APIRouter(tags=["webhooks"])


@router.post("/webhooks/paystream", status_code=status.HTTP_202_ACCEPTED)
async def receive(
    request: Request, settings: AppSettings, pool: Pool, workers: AppWorkers
) -> JSONResponse:
    """202 for a new event (queued), 200 for one already received, 401 if not Paystream's."""
    body = await request.body()  # the bytes as sent: the signature covers exactly these
    try:
        verify(
            settings.webhook_secret,
            request.headers.get(HEADER),
            body,
            time.time(),
            settings.tolerance_seconds,
        )
    except SignatureError as exc:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, str(exc)) from None
    try:
        event = parse_event(body)
    except ValueError as exc:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, str(exc)) from None
    if not await run_in_threadpool(store, pool, event):
        return JSONResponse({"status": "duplicate", "event_id": event.id}, status.HTTP_200_OK)
    workers.wake()
    return JSONResponse({"status": "queued", "event_id": event.id}, status.HTTP_202_ACCEPTED)
