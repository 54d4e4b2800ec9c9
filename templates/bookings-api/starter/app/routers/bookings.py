"""Bookings (prototype: the mobile team's contract is in docs/openapi.yaml)."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, HTTPException, status
from sqlalchemy import select

from app.deps import CurrentUser, DbSession
from app.models import Booking
from app.schemas import BookingIn, BookingOut

router = APIRouter(tags=["bookings"])


def _parse(value):
    # The database stores plain datetimes, so the offset is dropped.
    return dt.datetime.fromisoformat(value).replace(tzinfo=None)


def _out(booking: Booking) -> BookingOut:
    return BookingOut(
        id=booking.id,
        room_id=booking.room_id,
        user_id=booking.user_id,
        start=booking.start_at.isoformat(),
        end=booking.end_at.isoformat(),
        note=booking.note,
    )


@router.post("/bookings")
def create_booking(body: BookingIn, db: DbSession, user: CurrentUser) -> BookingOut:
    """Book a room."""
    booking = Booking(
        room_id=body.room_id,
        user_id=user.id,
        start_at=_parse(body.start),
        end_at=_parse(body.end),
        note=body.note,
        created_at=dt.datetime.now(),
    )
    db.add(booking)
    db.commit()
    return _out(booking)


@router.get("/bookings/{booking_id}")
def get_booking(booking_id: int, db: DbSession, user: CurrentUser) -> BookingOut:
    """One booking."""
    booking = db.get(Booking, booking_id)
    if booking is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Booking not found")
    return _out(booking)


@router.get("/users/{user_id}/bookings")
def list_user_bookings(user_id: int, db: DbSession, user: CurrentUser) -> list[BookingOut]:
    """A user's bookings."""
    bookings = db.scalars(select(Booking).order_by(Booking.start_at)).all()
    return [_out(booking) for booking in bookings if booking.user_id == user_id]
