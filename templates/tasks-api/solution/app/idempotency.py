"""Idempotent creates: the first response to a key is stored and replayed for retries."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from fastapi import HTTPException, status
from fastapi.responses import JSONResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import IdempotencyRecord

REPLAY_HEADER = "Idempotent-Replayed"


def fingerprint(body: dict[str, Any]) -> str:
    """A stable hash of a request body, to tell a retry from a different request."""
    canonical = json.dumps(
        body,
        sort_keys=True,  # pragma: no mutate  (model_dump already orders keys by field)
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def find(db: Session, user_id: int, key: str) -> IdempotencyRecord | None:
    """The stored response for this user's key, if any."""
    query = select(IdempotencyRecord).where(
        IdempotencyRecord.user_id == user_id, IdempotencyRecord.key == key
    )
    return db.scalar(query)


def replay(record: IdempotencyRecord, request_hash: str) -> JSONResponse:
    """The stored response, or 422 when the key was first used for a different body."""
    if record.request_hash != request_hash:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            "Idempotency-Key was already used with a different request body; "
            "use a new key for a new request",
        )
    return JSONResponse(
        json.loads(record.response_body),
        status_code=record.status_code,
        headers={REPLAY_HEADER: "true"},
    )


def remember(db: Session, user_id: int, key: str, request_hash: str, body: dict[str, Any]) -> None:
    """Stage the response to store for `key` (committed with the created resource)."""
    db.add(
        IdempotencyRecord(
            user_id=user_id,
            key=key,
            request_hash=request_hash,
            status_code=status.HTTP_201_CREATED,
            response_body=json.dumps(body),
            created_at=dt.datetime.now(dt.UTC),
        )
    )
