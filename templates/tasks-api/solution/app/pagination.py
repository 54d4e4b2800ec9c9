"""Opaque keyset cursors: the client sends back what we gave it, never an offset."""

from __future__ import annotations

import base64
import binascii
import json


class InvalidCursorError(ValueError):
    """The cursor was not produced by this API."""


def encode_cursor(last_id: int) -> str:
    """The cursor that continues after the task with id `last_id`."""
    raw = json.dumps({"id": last_id}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    """The task id a cursor continues after, or InvalidCursorError."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        last_id = data["id"]
    except (binascii.Error, ValueError, TypeError, KeyError, UnicodeDecodeError) as exc:
        raise InvalidCursorError(cursor) from exc
    if not isinstance(last_id, int) or isinstance(last_id, bool) or last_id < 1:
        raise InvalidCursorError(cursor)
    return last_id
