"""Opaque keyset cursors over (start, id): the client sends back what we gave it."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


class InvalidCursorError(ValueError):
    """The cursor was not produced by this API."""


def encode_cursor(start: dt.datetime, booking_id: int) -> str:
    """The cursor that continues after the booking at (`start`, `booking_id`)."""
    micros = (start - EPOCH) // dt.timedelta(microseconds=1)
    raw = json.dumps([micros, booking_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[dt.datetime, int]:
    """The (start, id) a cursor continues after, or InvalidCursorError."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        micros, booking_id = json.loads(base64.urlsafe_b64decode(padded.encode()))
        return EPOCH + dt.timedelta(microseconds=int(micros)), int(booking_id)
    except (binascii.Error, ValueError, TypeError, OverflowError, UnicodeDecodeError) as exc:
        raise InvalidCursorError(cursor) from exc
